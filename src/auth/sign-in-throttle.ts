/**
 * Slows down password guessing: failed sign-ins are counted per key (an account, an
 * IP address) in a fixed window; a key over its limit is refused until the window
 * ends. Implementations may keep counts in memory or in a shared store.
 */
export interface SignInThrottle {
  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  /** Counts one failed attempt for `key`. */
  fail(key: string): void;
  /** Forgets the failures of `key` (after a successful sign-in). */
  reset(key: string): void;
}

/** Limits of the throttle: at most `max` failures per `windowSeconds` for each key kind. */
export interface ThrottleLimits {
  account: { max: number; windowSeconds: number };
  ip: { max: number; windowSeconds: number };
}

/** OWASP-style defaults: a handful of guesses per account, more per address (shared NATs). */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  account: { max: 5, windowSeconds: 60 },
  ip: { max: 30, windowSeconds: 60 },
};

interface Window {
  failures: number;
  endsAt: number;
}

/** A throttle in this process's memory, with a bounded number of tracked keys. */
export class MemorySignInThrottle implements SignInThrottle {
  readonly #windows = new Map<string, Window>();
  readonly #limits: ThrottleLimits;
  readonly #maxKeys: number;

  constructor(limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS, maxKeys = 100_000) {
    this.#limits = limits;
    this.#maxKeys = maxKeys;
  }

  retryAfter(key: string): number {
    const window = this.#live(key);
    if (!window || window.failures < this.#limitOf(key).max) return 0;
    return Math.max(1, Math.ceil((window.endsAt - Date.now()) / 1000));
  }

  fail(key: string): void {
    const window = this.#live(key);
    if (window) {
      window.failures += 1;
      return;
    }
    // evict the oldest key when full, so a flood of random identities cannot grow memory
    if (this.#windows.size >= this.#maxKeys) this.#windows.delete(this.#windows.keys().next().value!);
    this.#windows.set(key, { failures: 1, endsAt: Date.now() + this.#limitOf(key).windowSeconds * 1000 });
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  #live(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (window && window.endsAt <= Date.now()) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  #limitOf(key: string): { max: number; windowSeconds: number } {
    return key.startsWith('ip:') ? this.#limits.ip : this.#limits.account;
  }
}
