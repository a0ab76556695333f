import { isPlainObject } from '../lib/json.ts';

/** What a subscription asks for, from its `?options=` JSON (as the SDK encodes it). */
export interface SubscriptionOptions {
  /** query parameters: `filter`, `expand`, `fields`, and any others rules may read */
  query: Record<string, string>;
  /** headers for `@request.headers.*`, names in snake_case as PocketBase gives them */
  headers: Record<string, string>;
}

/** One subscription of a client. */
export interface Subscription {
  /** the string as the client sent it; messages go out under this name */
  key: string;
  /** the part before `?` */
  topic: string;
  options: SubscriptionOptions;
  /** set when the topic names records: `posts/*`, `posts` (list rule) or `posts/ID` (view rule) */
  record?: { collection: string; recordId: string | null };
}

/**
 * Parses `topic?options={"query":{…},"headers":{…}}`. A malformed options value is
 * ignored (the subscription still counts, without options), as PocketBase does.
 */
export function parseSubscription(key: string): Subscription {
  const at = key.indexOf('?');
  const topic = at < 0 ? key : key.slice(0, at);
  const options: SubscriptionOptions = { query: {}, headers: {} };
  if (at >= 0) {
    const raw = new URLSearchParams(key.slice(at + 1)).get('options');
    let parsed: unknown = null;
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {}
    if (isPlainObject(parsed)) {
      options.query = stringMap(parsed.query, (k) => k);
      options.headers = stringMap(parsed.headers, (k) => k.toLowerCase().replaceAll('-', '_'));
    }
  }
  return { key, topic, options, record: recordTopic(topic) };
}

function recordTopic(topic: string): Subscription['record'] {
  const parts = topic.split('/');
  if (parts.length > 2 || !parts[0] || parts[1] === '') return undefined;
  const recordId = parts[1] === undefined || parts[1] === '*' ? null : parts[1];
  return { collection: parts[0], recordId };
}

function stringMap(value: unknown, key: (k: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[key(k)] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
