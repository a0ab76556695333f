// on-exit-leak-free ships no types; the part Basalt uses
declare module 'on-exit-leak-free' {
  /** Calls `fn(object, event)` when the process exits, for as long as `object` is alive. */
  export function register<T extends object>(object: T, fn: (object: T, event: string) => void): void;
  export function unregister(object: object): void;
}
