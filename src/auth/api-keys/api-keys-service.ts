import { randomBytes } from 'node:crypto';
import type { DbDriver } from '../../db/driver.ts';
import { newRecordId } from '../../lib/random.ts';
import { ApiKeyStore, ensureKeysTable, hashSecret } from './api-key-store.ts';
import type { KeyInput } from './api-key-input.ts';
import { type ApiKey, type CreatedApiKey, KEY_PREFIX, type KeyOperation } from './api-key-types.ts';

/** How often recorded last-used times are written (one transaction per flush, not one per request). */
const TOUCH_FLUSH_MS = 2000;

/**
 * API keys for servers that call Basalt: create (secret shown once), list, revoke,
 * authenticate. Every authentication reads the table, so a revoked key fails on the
 * very next request; last-used times are kept in memory and flushed in batches.
 */
export class ApiKeysService {
  readonly #db: DbDriver;
  readonly #store: ApiKeyStore;
  #ready: Promise<void> | null = null;
  #pending = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(db: DbDriver) {
    this.#db = db;
    this.#store = new ApiKeyStore(db);
  }

  /** Creates a key; the answer is the only place its secret ever appears. */
  async create(input: KeyInput): Promise<CreatedApiKey> {
    await this.#ensure();
    const secret = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key: ApiKey = { id: newRecordId(), ...input, lastUsed: '', created: new Date().toISOString() };
    await this.#store.insert(key, hashSecret(secret));
    return { ...key, secret };
  }

  /** Every key (without secrets). */
  async list(): Promise<ApiKey[]> {
    await this.#ensure();
    await this.flush();
    return this.#store.list();
  }

  /** Revokes a key at once; answers false when no such key exists. */
  async revoke(id: string): Promise<boolean> {
    await this.#ensure();
    this.#pending.delete(id);
    return this.#store.delete(id);
  }

  /** The live key a secret belongs to, or null (unknown, revoked or expired); records its use. */
  async authenticate(secret: string): Promise<ApiKey | null> {
    if (!secret.startsWith(KEY_PREFIX)) return null;
    await this.#ensure();
    const key = await this.#store.byHash(hashSecret(secret));
    if (!key) return null;
    if (key.expires && Date.parse(key.expires) <= Date.now()) return null;
    this.#pending.set(key.id, new Date().toISOString());
    this.#timer ??= setTimeout(() => void this.flush().catch(() => {}), TOUCH_FLUSH_MS).unref();
    return key;
  }

  /** Whether a key may run `operation` on a collection (matched by name or id, or `*`). */
  allows(key: ApiKey, collection: { id: string; name: string }, operation: KeyOperation): boolean {
    return key.scopes.some(
      (scope) =>
        (scope.collection === '*' ||
          scope.collection === collection.name ||
          scope.collection === collection.id) &&
        scope.operations.includes(operation),
    );
  }

  /** Whether a key may read every collection (so expand and cross-collection filters cannot leak). */
  readsEverything(key: ApiKey): boolean {
    return key.scopes.some(
      (s) => s.collection === '*' && s.operations.includes('view') && s.operations.includes('list'),
    );
  }

  /** Writes the last-used times gathered since the previous flush. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    await this.#store.touch(batch);
  }

  #ensure(): Promise<void> {
    this.#ready ??= this.#db.transaction((tx) => ensureKeysTable(tx));
    return this.#ready;
  }
}
