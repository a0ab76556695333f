import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';

// Node 24 has no stable global EventSource; the SDK's realtime service needs one
(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

/** Collects what a subscription callback receives, and waits for it within a bounded time. */
export class Inbox<T = any> {
  readonly items: T[] = [];
  #wake: (() => void) | null = null;

  /** The callback to hand to `subscribe`. */
  readonly push = (item: T): void => {
    this.items.push(item);
    this.#wake?.();
  };

  /** Waits until an item matches `predicate` and answers it; fails after `ms`. */
  async until(predicate: (item: T) => boolean, what: string, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.items.find(predicate);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        assert.fail(`timed out waiting for ${what}; got ${JSON.stringify(this.items).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, Math.min(left, 50));
      });
    }
  }
}

/** Polls `check` until it is true, failing after `ms` with `what`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
