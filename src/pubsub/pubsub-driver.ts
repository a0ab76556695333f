import { hideUrlPasswords } from '../lib/url-password.ts';

/**
 * The pub/sub contract: fire-and-forget messages between the nodes of one Basalt
 * deployment (realtime fan-out, cache invalidation, wake-ups). A message published on
 * one node reaches every subscriber on every node that shares the engine, including
 * the publishing node itself.
 *
 * Topics are dot-separated tokens of `[A-Za-z0-9_-]` (`basalt.realtime.records`).
 * A subscription pattern is either an exact topic or a prefix ending in `.>`, which
 * matches every topic with one or more further tokens (`basalt.realtime.>` matches
 * `basalt.realtime.records`, not `basalt.realtime`). This is the subset every engine
 * can express (NATS `>`, Redis `PSUBSCRIBE prefix.*`, a prefix test in memory).
 *
 * Delivery is at most once and in publish order per publisher and topic. A message
 * published while no one listens is gone: pub/sub is not a queue (jobs are).
 */
export interface PubSubDriver {
  /** What this engine can do; services ask these, never the engine's name. */
  readonly capabilities: PubSubCapabilities;

  /**
   * Sends `payload` to every subscriber whose pattern matches `topic`. Resolves once the
   * engine accepted the message (not when subscribers got it). Rejects with
   * `PubSubError` on a bad topic or after `close()`.
   */
  publish(topic: string, payload: Uint8Array): Promise<void>;

  /**
   * Calls `handler` for each message whose topic matches `pattern`, until the returned
   * function is called. Resolves once the subscription is active: a message published
   * after that is delivered. The handler must not throw (errors are logged and dropped)
   * and should return quickly; messages to one subscription arrive one at a time.
   * Unsubscribing twice is harmless.
   */
  subscribe(pattern: string, handler: PubSubHandler): Promise<() => Promise<void>>;

  /** Drops every subscription and releases connections. Idempotent. */
  close(): Promise<void>;
}

/** Receives one message. */
export type PubSubHandler = (topic: string, payload: Uint8Array) => void;

export interface PubSubCapabilities {
  /** messages cross process boundaries (false for the in-process driver) */
  readonly crossProcess: boolean;
}

/** A broken pub/sub call: bad topic or pattern, closed driver, lost connection. */
export class PubSubError extends Error {
  readonly code: 'invalid_topic' | 'closed' | 'connection_lost';

  constructor(code: PubSubError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PubSubError';
    this.code = code;
  }
}

const TOKEN = '[A-Za-z0-9_-]+';
const TOPIC = new RegExp(`^${TOKEN}(\\.${TOKEN})*$`);
const PATTERN = new RegExp(`^${TOKEN}(\\.${TOKEN})*(\\.>)?$`);

/** Throws `invalid_topic` unless `topic` is a well-formed topic. */
export function checkTopic(topic: string): void {
  if (!TOPIC.test(topic))
    throw new PubSubError(
      'invalid_topic',
      `"${topic}" is not a topic: use dot-separated words of A-Z a-z 0-9 _ -.`,
    );
}

/** Throws `invalid_topic` unless `pattern` is a topic or a `prefix.>` pattern. */
export function checkPattern(pattern: string): void {
  if (!PATTERN.test(pattern))
    throw new PubSubError(
      'invalid_topic',
      `"${pattern}" is not a subscription pattern: use a topic or a prefix ending in ".>".`,
    );
}

/** Whether a (valid) topic matches a (valid) pattern. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (!pattern.endsWith('.>')) return pattern === topic;
  const prefix = pattern.slice(0, -1);
  return topic.length > prefix.length && topic.startsWith(prefix);
}

/** Hides the password of a URL for messages. */
export const redactUrl = hideUrlPasswords;
