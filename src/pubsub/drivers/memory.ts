import {
  checkPattern,
  checkTopic,
  type PubSubDriver,
  PubSubError,
  type PubSubHandler,
  topicMatches,
} from '../pubsub-driver.ts';

interface Subscription {
  pattern: string;
  handler: PubSubHandler;
}

/**
 * The in-process driver: subscribers in this process only. Delivery is asynchronous
 * (a microtask after publish), so a publisher never runs subscriber code on its own
 * stack, as with a real engine.
 */
export function openMemoryPubSub(): PubSubDriver {
  const subscriptions = new Set<Subscription>();
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new PubSubError('closed', 'The pub/sub driver is closed.');
  };
  return {
    capabilities: { crossProcess: false },
    async publish(topic, payload) {
      ensureOpen();
      checkTopic(topic);
      const copy = payload.slice();
      for (const sub of subscriptions) {
        if (!topicMatches(sub.pattern, topic)) continue;
        queueMicrotask(() => {
          if (subscriptions.has(sub)) deliver(sub, topic, copy);
        });
      }
    },
    async subscribe(pattern, handler) {
      ensureOpen();
      checkPattern(pattern);
      const sub = { pattern, handler };
      subscriptions.add(sub);
      return async () => {
        subscriptions.delete(sub);
      };
    },
    async close() {
      closed = true;
      subscriptions.clear();
    },
  };
}

function deliver(sub: Subscription, topic: string, payload: Uint8Array): void {
  try {
    sub.handler(topic, payload);
  } catch (error) {
    console.error(`pub/sub handler for ${sub.pattern} threw:`, error);
  }
}
