import { LRUCache } from 'lru-cache';
import type { AuthPrincipal } from '../data/records/record-context.ts';

/**
 * Remembers which principal a verified token names, so an authenticated request costs
 * a map lookup instead of a database read plus an HMAC. An entry dies when its token
 * expires, after `ttlMs` at most, or at once when its auth record changes or is deleted
 * on this node (`forget`), so a password change or deletion still revokes immediately
 * here; other nodes of a cluster see it within `ttlMs`.
 */
export class PrincipalCache {
  readonly #entries: LRUCache<string, { principal: AuthPrincipal; key: string }>;
  readonly #tokensByRecord = new Map<string, Set<string>>();

  constructor(options: { max?: number; ttlMs?: number } = {}) {
    this.#entries = new LRUCache({
      max: options.max ?? 10_000,
      ttl: options.ttlMs ?? 5_000,
      dispose: (entry, token) => this.#unindex(entry.key, token),
    });
  }

  get(token: string): AuthPrincipal | undefined {
    return this.#entries.get(token)?.principal;
  }

  /** Keeps a principal until `expiresAtSeconds` (the token's `exp`) or the TTL, whichever is first. */
  set(token: string, principal: AuthPrincipal, expiresAtSeconds: number): void {
    const remaining = expiresAtSeconds * 1000 - Date.now();
    if (remaining <= 0) return;
    const key = recordKey(principal.collection.id, String(principal.record.id));
    this.#entries.set(token, { principal, key }, { ttl: Math.min(remaining, this.#entries.ttl) });
    const tokens = this.#tokensByRecord.get(key) ?? new Set<string>();
    tokens.add(token);
    this.#tokensByRecord.set(key, tokens);
  }

  /** Drops every cached token of a record (it changed or was deleted). */
  forget(collectionId: string, recordId: string): void {
    for (const token of this.#tokensByRecord.get(recordKey(collectionId, recordId)) ?? [])
      this.#entries.delete(token);
  }

  #unindex(key: string, token: string): void {
    const tokens = this.#tokensByRecord.get(key);
    tokens?.delete(token);
    if (tokens?.size === 0) this.#tokensByRecord.delete(key);
  }
}

function recordKey(collectionId: string, recordId: string): string {
  return `${collectionId}/${recordId}`;
}
