import { createHash } from 'node:crypto';
import type { DbDriver, Queryable } from '../../db/driver.ts';
import type { ApiKey, KeyScope } from './api-key-types.ts';

/** The table keys live in. It is not a collection, so the records API can never reach it. */
export const API_KEYS_TABLE = '_apiKeys';

interface KeyRow {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  expires: string;
  lastUsed: string;
  created: string;
}

/** SHA-256 of a secret, hex: secrets carry 256 random bits, so a fast hash is enough to store them. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates the keys table if missing (idempotent, safe on every start). */
export async function ensureKeysTable(db: Queryable): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS "${API_KEYS_TABLE}" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL UNIQUE,
    "scopes" TEXT NOT NULL DEFAULT '[]',
    "expires" TEXT NOT NULL DEFAULT '',
    "lastUsed" TEXT NOT NULL DEFAULT '',
    "created" TEXT NOT NULL DEFAULT ''
  )`);
}

function toKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as KeyScope[],
    expires: row.expires,
    lastUsed: row.lastUsed,
    created: row.created,
  };
}

/** Reads and writes key rows; nothing here knows HTTP or secrets beyond their hash. */
export class ApiKeyStore {
  readonly #db: DbDriver;

  constructor(db: DbDriver) {
    this.#db = db;
  }

  /** Stores a new key under the hash of its secret. */
  async insert(key: ApiKey, hash: string): Promise<void> {
    await this.#db.transaction((tx) =>
      tx.run(
        `INSERT INTO "${API_KEYS_TABLE}" ("id","name","hash","scopes","expires","lastUsed","created") VALUES (?,?,?,?,?,?,?)`,
        [key.id, key.name, hash, JSON.stringify(key.scopes), key.expires, key.lastUsed, key.created],
      ),
    );
  }

  /** Every key, newest first. */
  async list(): Promise<ApiKey[]> {
    const rows = await this.#db.all<KeyRow>(
      `SELECT * FROM "${API_KEYS_TABLE}" ORDER BY "created" DESC, "id"`,
    );
    return rows.map(toKey);
  }

  /** The key stored under a secret's hash, or undefined. */
  async byHash(hash: string): Promise<ApiKey | undefined> {
    const row = await this.#db.get<KeyRow>(`SELECT * FROM "${API_KEYS_TABLE}" WHERE "hash" = ?`, [hash]);
    return row ? toKey(row) : undefined;
  }

  /** Deletes a key; answers whether it existed. */
  async delete(id: string): Promise<boolean> {
    const existed = await this.#db.get(`SELECT 1 AS ok FROM "${API_KEYS_TABLE}" WHERE "id" = ?`, [id]);
    if (!existed) return false;
    await this.#db.transaction((tx) => tx.run(`DELETE FROM "${API_KEYS_TABLE}" WHERE "id" = ?`, [id]));
    return true;
  }

  /** Writes many last-used times in one transaction (keys deleted meanwhile are skipped by the WHERE). */
  async touch(times: Map<string, string>): Promise<void> {
    if (times.size === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const [id, at] of times)
        await tx.run(`UPDATE "${API_KEYS_TABLE}" SET "lastUsed" = ? WHERE "id" = ?`, [at, id]);
    });
  }
}
