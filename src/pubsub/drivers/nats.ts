import {
  checkPattern,
  checkTopic,
  type PubSubDriver,
  PubSubError,
  type PubSubHandler,
  redactUrl,
} from '../pubsub-driver.ts';

/** The few nats.js members this driver uses, typed structurally. */
interface NatsConnection {
  publish(subject: string, data: Uint8Array): void;
  subscribe(subject: string, options: { callback: (err: Error | null, msg: NatsMsg) => void }): NatsSub;
  flush(): Promise<void>;
  drain(): Promise<void>;
  isClosed(): boolean;
}
interface NatsMsg {
  subject: string;
  data: Uint8Array;
}
interface NatsSub {
  unsubscribe(): void;
}

/**
 * NATS core pub/sub: topics are subjects and the `.>` wildcard is NATS's own. A publish
 * resolves after a flush, so the server has the message when it resolves.
 */
export async function openNatsPubSub(url: string): Promise<PubSubDriver> {
  const nats = (await import('nats')) as unknown as {
    connect(options: object): Promise<NatsConnection>;
  };
  const parsed = new URL(url);
  let nc: NatsConnection;
  try {
    nc = await nats.connect({
      servers: `${parsed.hostname}:${parsed.port || 4222}`,
      user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
      pass: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      name: 'basalt',
      maxReconnectAttempts: -1,
    });
  } catch (error) {
    throw new PubSubError(
      'connection_lost',
      `Cannot reach NATS at ${redactUrl(url)} (${(error as Error).message}). Is nats-server running, and is BASALT_PUBSUB_URL right?`,
      { cause: error },
    );
  }
  let closed = false;
  const ensureOpen = () => {
    if (closed || nc.isClosed()) throw new PubSubError('closed', 'The pub/sub driver is closed.');
  };
  return {
    capabilities: { crossProcess: true },
    async publish(topic, payload) {
      ensureOpen();
      checkTopic(topic);
      nc.publish(topic, payload);
      await nc.flush();
    },
    async subscribe(pattern, handler: PubSubHandler) {
      ensureOpen();
      checkPattern(pattern);
      const sub = nc.subscribe(pattern, {
        callback: (err, msg) => {
          if (err) return;
          try {
            handler(msg.subject, msg.data);
          } catch (error) {
            console.error(`pub/sub handler for ${pattern} threw:`, error);
          }
        },
      });
      await nc.flush();
      let active = true;
      return async () => {
        if (!active || closed) return;
        active = false;
        sub.unsubscribe();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
