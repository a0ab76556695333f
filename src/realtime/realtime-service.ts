import type { AuthService } from '../auth/auth-service.ts';
import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import type { AuthPrincipal } from '../data/records/record-context.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { ApiError } from '../lib/errors.ts';
import { randomString } from '../lib/random.ts';
import type { PubSubDriver } from '../pubsub/index.ts';
import { type ClientTransport, RealtimeClient } from './realtime-client.ts';
import {
  type BusMessage,
  decodeMessage,
  encodeMessage,
  type RecordBusMessage,
  recordMessage,
  TOPICS,
  toJson,
} from './realtime-messages.ts';
import { fanOutRecord } from './record-fanout.ts';
import { parseSubscription } from './subscription.ts';

/** Tunables; the defaults follow PocketBase where it has one. */
export interface RealtimeSettings {
  /** a comment line is sent to a client that got nothing for this long (keeps proxies from closing it) */
  heartbeatMs: number;
  /** a client without subscriptions for this long is disconnected (PocketBase: 5 minutes) */
  idleTimeoutMs: number;
  /** a client whose unsent bytes pass this is cut off: it stopped reading */
  maxBufferBytes: number;
  /** record events waiting for delivery on this node past which new ones are dropped (never unbounded memory) */
  maxBacklog: number;
}

export interface RealtimeServiceOptions {
  db: DbDriver;
  pubsub: PubSubDriver;
  collections: CollectionsService;
  records: RecordsService;
  auth: AuthService;
  logger: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  settings?: Partial<RealtimeSettings>;
}

/**
 * Realtime subscriptions. Record changes committed on any node and custom messages
 * travel through the pub/sub driver; every node delivers them to its own clients,
 * each message checked against that client's access rule and subscription filter and
 * shaped by its own expand and fields.
 */
export class RealtimeService {
  readonly settings: RealtimeSettings;
  readonly #o: RealtimeServiceOptions;
  readonly #clients = new Map<string, RealtimeClient>();
  #unsubscribe: (() => Promise<void>) | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** record events are handled one after another, so each client sees them in commit order */
  #queue: Promise<void> = Promise.resolve();
  #stats = { backlog: 0, dropped: 0, cutOff: 0 };
  #closed = false;

  constructor(options: RealtimeServiceOptions) {
    this.#o = options;
    this.settings = {
      heartbeatMs: 30_000,
      idleTimeoutMs: 300_000,
      maxBufferBytes: 1 << 20,
      maxBacklog: 10_000,
      ...options.settings,
    };
  }

  /** Listens to committed record changes and to the bus; call once after bootstrap. */
  async start(): Promise<void> {
    this.#unsubscribe = await this.#o.pubsub.subscribe(TOPICS.all, (_topic, payload) =>
      this.#receive(payload),
    );
    // the services outlive a closed realtime (restarts): a closed one stays quiet
    this.#o.records.onChange((event) => {
      if (this.#closed) return;
      // A bus private to this process has one receiver, this service: with no client here
      // the message would be encoded, copied and decoded to reach nobody (most writes, often)
      if (!this.#o.pubsub.capabilities.crossProcess && this.#clients.size === 0) return;
      this.#o.pubsub.publish(TOPICS.records, encodeMessage(recordMessage(event))).catch((error) => {
        this.#o.logger.warn({ err: error }, 'realtime: could not publish a record event');
      });
    });
    this.#o.collections.onChange((change) => {
      if (this.#closed || change.collection.type !== 'auth' || change.action === 'create') return;
      const secret = change.action === 'delete' ? null : (tokenSecret(change.collection) ?? null);
      const message = encodeMessage({ kind: 'authReset', collectionId: change.collection.id, secret });
      this.#o.pubsub.publish(TOPICS.authReset, message).catch((error) => {
        this.#o.logger.warn({ err: error }, 'realtime: could not publish an auth reset');
      });
    });
    this.#timer = setInterval(() => this.#sweep(), 1000);
    this.#timer.unref();
  }

  /** True once `close()` began: no new connections are taken. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Registers a new connection and answers its client (with a fresh id). */
  connect(transport: ClientTransport): RealtimeClient {
    if (this.#closed)
      throw new ApiError('unavailable', 'The server is shutting down; reconnect in a moment.');
    const client = new RealtimeClient(randomString(40), transport);
    this.#clients.set(client.id, client);
    return client;
  }

  /** Forgets a client whose connection ended. */
  disconnect(client: RealtimeClient): void {
    client.closed = true;
    this.#clients.delete(client.id);
    client.transport.close();
  }

  /** Connected clients on this node. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * Figures for metrics: clients and subscriptions on this node, record events waiting
   * to be delivered, events dropped because the backlog was full, clients cut off.
   */
  stats(): { clients: number; subscriptions: number; backlog: number; dropped: number; cutOff: number } {
    let subscriptions = 0;
    for (const client of this.#clients.values()) subscriptions += client.subscriptions.size;
    return { clients: this.#clients.size, subscriptions, ...this.#stats };
  }

  /**
   * Replaces a client's subscriptions and binds the caller's auth to it. A client may
   * go from guest to signed in, but not switch users (403), as in PocketBase.
   */
  setSubscriptions(clientId: string, keys: string[], principal: AuthPrincipal | null): RealtimeClient {
    const client = this.#clients.get(clientId);
    if (!client) throw new ApiError('not_found', 'Missing or invalid client id.');
    this.setAuth(client, principal);
    client.setSubscriptions(keys.map(parseSubscription));
    return client;
  }

  /** Changes the auth bound to a client, under the same rule as `setSubscriptions`. */
  setAuth(client: RealtimeClient, principal: AuthPrincipal | null): void {
    if (client.auth && !sameAuth(client.auth, principal))
      throw new ApiError('forbidden', "The current and the previous request authorization don't match.");
    client.auth = principal;
  }

  /** A connected client of this node. */
  client(id: string): RealtimeClient | undefined {
    return this.#clients.get(id);
  }

  /** Sends `data` to every client (on every node) subscribed to the custom `topic`. */
  async publish(topic: string, data: unknown): Promise<void> {
    await this.#o.pubsub.publish(TOPICS.custom, encodeMessage({ kind: 'custom', topic, data }));
  }

  /** Sends one message named `event` to the client `clientId`, wherever it is connected (OAuth2 redirects). */
  async sendToClient(clientId: string, event: string, data: unknown): Promise<void> {
    await this.#o.pubsub.publish(TOPICS.direct, encodeMessage({ kind: 'direct', clientId, event, data }));
  }

  /** Disconnects every client and leaves the bus; the pub/sub driver stays open (its owner closes it). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const client of [...this.#clients.values()]) this.disconnect(client);
    await this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /**
   * Every bus message waits its turn behind the ones before it, so a client sees records
   * and custom messages in the order the bus delivered them. A node that cannot keep up
   * drops messages rather than queueing them without bound (auth resets are never dropped).
   */
  #receive(payload: Uint8Array): void {
    const message = decodeMessage(payload);
    if (!message) return;
    if (message.kind !== 'authReset' && this.#stats.backlog >= this.settings.maxBacklog) {
      if (this.#stats.dropped++ % 1000 === 0)
        this.#o.logger.warn({ backlog: this.#stats.backlog }, 'realtime: falling behind, messages dropped');
      return;
    }
    this.#stats.backlog++;
    this.#queue = this.#queue
      .then(() => this.#handle(message))
      .catch((error) => this.#o.logger.warn({ err: error }, 'realtime: delivery failed'))
      .finally(() => this.#stats.backlog--);
  }

  async #handle(message: BusMessage): Promise<void> {
    if (message.kind === 'custom') {
      const json = toJson(message.data);
      for (const client of this.#clients.values())
        for (const sub of client.subscriptions.values())
          if (sub.topic === message.topic) this.#send(client, sub.key, json);
    } else if (message.kind === 'direct') {
      const client = this.#clients.get(message.clientId);
      if (client) this.#send(client, message.event, toJson(message.data));
    } else if (message.kind === 'authReset') {
      for (const client of this.#clients.values()) {
        const bound = client.auth?.collection;
        if (!client.auth || bound?.id !== message.collectionId) continue;
        if (message.secret === null || tokenSecret(bound) !== message.secret) client.auth = null;
        else
          client.auth = { ...client.auth, collection: this.#o.collections.registry.byId(bound.id) ?? bound };
      }
    } else if (message.kind === 'record') {
      await this.#deliverRecord(message);
    }
  }

  async #deliverRecord(message: RecordBusMessage): Promise<void> {
    await fanOutRecord(this.#o, this.#clients.values(), message, (client, name, json) =>
      this.#send(client, name, json, true),
    );
  }

  #send(client: RealtimeClient, name: string, json: string, isRecord = false): void {
    if (client.closed) return;
    client.lastWriteAt = Date.now();
    const buffered = client.transport.send(name, json, isRecord);
    if (buffered > this.settings.maxBufferBytes) this.#cutOff(client, buffered);
  }

  #cutOff(client: RealtimeClient, buffered: number): void {
    this.#stats.cutOff++;
    this.#o.logger.warn(
      { clientId: client.id, buffered, limit: this.settings.maxBufferBytes },
      'realtime: client cut off, it stopped reading and its buffer passed the limit',
    );
    this.disconnect(client);
  }

  /** Heartbeats for quiet clients; disconnects clients idle without subscriptions. */
  #sweep(): void {
    const now = Date.now();
    for (const client of [...this.#clients.values()]) {
      if (client.idleSince && now - client.idleSince >= this.settings.idleTimeoutMs) {
        this.#o.logger.debug({ clientId: client.id }, 'realtime: idle client disconnected');
        this.disconnect(client);
      } else if (now - client.lastWriteAt >= this.settings.heartbeatMs) {
        client.lastWriteAt = now;
        const buffered = client.transport.heartbeat();
        if (buffered > this.settings.maxBufferBytes) this.#cutOff(client, buffered);
      }
    }
  }
}

/** The secret an auth collection signs auth tokens with. */
function tokenSecret(collection: Collection): string | undefined {
  return (collection.authToken as { secret?: string } | undefined)?.secret;
}

function sameAuth(a: AuthPrincipal, b: AuthPrincipal | null): boolean {
  return !!b && a.collection.id === b.collection.id && a.record.id === b.record.id;
}
