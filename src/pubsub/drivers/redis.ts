import {
  checkPattern,
  checkTopic,
  type PubSubDriver,
  PubSubError,
  type PubSubHandler,
  redactUrl,
} from '../pubsub-driver.ts';

/** The few ioredis methods this driver uses, typed structurally. */
interface RedisClient {
  publish(channel: string, message: Buffer): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  psubscribe(pattern: string): Promise<unknown>;
  punsubscribe(pattern: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Redis pub/sub (ioredis): one connection publishes, a second one is in subscriber
 * mode. A `prefix.>` pattern becomes `PSUBSCRIBE prefix.*`; exact topics use
 * `SUBSCRIBE`. Several local handlers on one pattern share one Redis subscription.
 */
export async function openRedisPubSub(url: string): Promise<PubSubDriver> {
  const { Redis } = (await import('ioredis')) as unknown as {
    Redis: new (url: string, options: object) => RedisClient;
  };
  const options = { lazyConnect: false, maxRetriesPerRequest: 3, enableAutoPipelining: true };
  const pub = new Redis(url, options);
  const sub = new Redis(url, options);
  const handlers = new Map<string, Set<PubSubHandler>>();
  let closed = false;
  await Promise.all([ready(pub, url), ready(sub, url)]);

  const dispatch = (key: string, channel: Buffer, message: Buffer) => {
    const topic = channel.toString();
    for (const handler of handlers.get(key) ?? []) {
      try {
        handler(topic, new Uint8Array(message));
      } catch (error) {
        console.error(`pub/sub handler for ${key} threw:`, error);
      }
    }
  };
  sub.on('messageBuffer', (channel: Buffer, message: Buffer) =>
    dispatch(channel.toString(), channel, message),
  );
  sub.on('pmessageBuffer', (pattern: Buffer | string, channel: Buffer, message: Buffer) =>
    dispatch(String(pattern), channel, message),
  );
  const ensureOpen = () => {
    if (closed) throw new PubSubError('closed', 'The pub/sub driver is closed.');
  };

  return {
    capabilities: { crossProcess: true },
    async publish(topic, payload) {
      ensureOpen();
      checkTopic(topic);
      await pub.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
    },
    async subscribe(pattern, handler) {
      ensureOpen();
      checkPattern(pattern);
      const wildcard = pattern.endsWith('.>');
      const key = wildcard ? `${pattern.slice(0, -1)}*` : pattern;
      let set = handlers.get(key);
      if (!set) {
        set = new Set();
        handlers.set(key, set);
        await (wildcard ? sub.psubscribe(key) : sub.subscribe(key));
      }
      set.add(handler);
      return async () => {
        if (!set.delete(handler) || set.size > 0 || closed) return;
        handlers.delete(key);
        await (wildcard ? sub.punsubscribe(key) : sub.unsubscribe(key));
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

/** Waits for the first connection, or fails naming the URL (password hidden) and the fix. */
function ready(client: RedisClient, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.on('ready', () => resolve());
    client.on('error', (error: Error) => {
      client.disconnect();
      reject(
        new PubSubError(
          'connection_lost',
          `Cannot reach Redis at ${redactUrl(url)} (${error.message}). Is Redis running, and is BASALT_PUBSUB_URL right?`,
          { cause: error },
        ),
      );
    });
  });
}
