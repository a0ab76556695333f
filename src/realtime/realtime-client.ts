import type { AuthPrincipal } from '../data/records/record-context.ts';
import type { Subscription } from './subscription.ts';

/**
 * How messages reach one connected client (SSE response, WebSocket). A transport
 * never blocks: it queues the message and answers how many bytes are queued and not
 * yet taken by the peer, so the service can cut off a client that stopped reading.
 */
export interface ClientTransport {
  /**
   * Queues one message under `name` (the subscription key or a custom event name).
   * `json` is the message already serialized (shared by every client that gets the
   * same bytes); `isRecord` tells a record event's `{action, record}` from custom data.
   */
  send(name: string, json: string, isRecord: boolean): number;
  /** Queues a keep-alive that carries no message. */
  heartbeat(): number;
  /** Ends the connection; idempotent. */
  close(): void;
}

/** One realtime connection: its id, auth, subscriptions and transport. */
export class RealtimeClient {
  readonly id: string;
  readonly transport: ClientTransport;
  auth: AuthPrincipal | null = null;
  /** the address the connection came from ('' when unknown), to refuse subscriptions from elsewhere */
  ip = '';
  subscriptions = new Map<string, Subscription>();
  /** when the client last had no subscriptions (0 while it has some) */
  idleSince = Date.now();
  /** when something was last written to it (for heartbeats) */
  lastWriteAt = Date.now();
  closed = false;

  constructor(id: string, transport: ClientTransport) {
    this.id = id;
    this.transport = transport;
  }

  /** Replaces every subscription (the PocketBase protocol resends the full list). */
  setSubscriptions(subscriptions: Subscription[]): void {
    this.subscriptions = new Map(subscriptions.map((s) => [s.key, s]));
    this.idleSince = this.subscriptions.size ? 0 : Date.now();
  }

  /** The key under which auth-dependent work for this client can be shared with others. */
  authKey(): string {
    return this.auth ? `${this.auth.collection.id}/${String(this.auth.record.id)}` : '';
  }
}
