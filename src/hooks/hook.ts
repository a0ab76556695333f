/**
 * A hook: an ordered chain of handlers around a default action. Each handler gets the
 * event and calls `event.next()` to run the rest of the chain (and finally the
 * default action); code before `next()` runs before the action, code after it runs
 * after. A handler that returns without calling `next()` stops the chain, so the
 * default action does not run — `trigger` reports that.
 */

/** What every hook event carries: the rest of the chain. */
export interface HookEvent {
  /** runs the next handler, or the default action after the last one; call it at most once */
  next(): Promise<void>;
}

/** The function of a handler. */
export type HookFn<E> = (event: E) => void | Promise<void>;

/** A handler and how it is ordered and filtered. */
export interface HookHandler<E> {
  /** unique within the hook; generated when omitted. Ids starting with `basalt.` are Basalt's own. */
  id?: string;
  /** lower runs first (outermost); equal priorities keep the order of binding */
  priority?: number;
  /** runs only for events whose tags (collection id or name) include one of these; empty = every event */
  tags?: string[];
  fn: HookFn<E>;
}

interface Bound<E> {
  id: string;
  priority: number;
  tags: string[];
  fn: HookFn<E>;
  seq: number;
}

let sequence = 0;

/** A hook for events of type `E`; `tagsOf` names the tags of an event (for tagged handlers). */
export class Hook<E extends HookEvent> {
  #handlers: Bound<E>[] = [];
  readonly #tagsOf: (event: E) => readonly string[];

  constructor(tagsOf: (event: E) => readonly string[] = () => []) {
    this.#tagsOf = tagsOf;
  }

  /** Adds (or, with an existing id, replaces) a handler; answers its id. */
  bind(handler: HookHandler<E>): string {
    const id = handler.id ?? `handler_${++sequence}`;
    const bound: Bound<E> = {
      id,
      priority: handler.priority ?? 0,
      tags: handler.tags ?? [],
      fn: handler.fn,
      seq: ++sequence,
    };
    this.#handlers = [...this.#handlers.filter((h) => h.id !== id), bound].sort(
      (a, b) => a.priority - b.priority || a.seq - b.seq,
    );
    return id;
  }

  /** Adds a handler with default priority; answers its generated id. */
  bindFunc(fn: HookFn<E>): string {
    return this.bind({ fn });
  }

  /** Removes the handlers with these ids (unknown ids are ignored). */
  unbind(...ids: string[]): void {
    this.#handlers = this.#handlers.filter((h) => !ids.includes(h.id));
  }

  /** Removes every handler. */
  unbindAll(): void {
    this.#handlers = [];
  }

  /** How many handlers are bound. */
  get count(): number {
    return this.#handlers.length;
  }

  /** The ids of the bound handlers, in the order they run. */
  ids(): string[] {
    return this.#handlers.map((h) => h.id);
  }

  /** The handler list as it is now, for `restore` (a reload puts registrations back). */
  snapshot(): unknown {
    return this.#handlers;
  }

  /** Puts back a list taken by `snapshot`. */
  restore(snapshot: unknown): void {
    this.#handlers = snapshot as Bound<E>[];
  }

  /**
   * Runs the chain for `event`, ending with `action`. Resolves true when the chain ran
   * through to the action, false when a handler stopped it by not calling `next()`.
   * A handler's error (or the action's) rejects, after the handlers around it saw it
   * come out of their `next()`.
   */
  async trigger(event: E, action: (event: E) => Promise<void> = async () => {}): Promise<boolean> {
    const tags = this.#tagsOf(event);
    const chain = this.#handlers.filter((h) => h.tags.length === 0 || h.tags.some((t) => tags.includes(t)));
    let reached = false;
    const step = async (index: number): Promise<void> => {
      let called = false;
      const next = async () => {
        if (called) throw new Error(`next() was called twice by hook handler "${chain[index]?.id}"`);
        called = true;
        try {
          await step(index + 1);
        } finally {
          // deeper steps replaced event.next; this handler's own next() must be what it sees again
          event.next = next;
        }
      };
      event.next = next;
      if (index < chain.length) return chain[index].fn(event);
      reached = true;
      return action(event);
    };
    await step(0);
    return reached;
  }
}

/** A view of a hook that binds handlers with fixed tags (`app.onRecordCreate('posts')`). */
export class TaggedHook<E extends HookEvent> {
  readonly #hook: Hook<E>;
  readonly #tags: string[];

  constructor(hook: Hook<E>, tags: string[]) {
    this.#hook = hook;
    this.#tags = tags;
  }

  /** Adds a handler that runs only for this view's tags (all events when it has none). */
  bind(handler: HookHandler<E>): string {
    return this.#hook.bind({ ...handler, tags: [...(handler.tags ?? []), ...this.#tags] });
  }

  /** Adds a function with default priority for this view's tags; answers its id. */
  bindFunc(fn: HookFn<E>): string {
    return this.bind({ fn });
  }

  /** Removes handlers by id (any handler of the underlying hook). */
  unbind(...ids: string[]): void {
    this.#hook.unbind(...ids);
  }
}
