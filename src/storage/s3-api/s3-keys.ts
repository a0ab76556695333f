import { randomBytes } from 'node:crypto';
import type { DbDriver } from '../../db/driver.ts';
import { ensureS3Tables } from './s3-schema.ts';

/** An S3 access key as listed (never with its secret). */
export interface S3Key {
  accessKeyId: string;
  name: string;
  /** bucket names the key may use; `*` for every bucket */
  buckets: string[];
  readOnly: boolean;
  created: string;
}

interface KeyRow {
  accessKeyId: string;
  name: string;
  secret: string;
  buckets: string;
  readOnly: number;
  created: string;
}

const toKey = (row: KeyRow): S3Key => ({
  accessKeyId: row.accessKeyId,
  name: row.name,
  buckets: JSON.parse(row.buckets),
  readOnly: Boolean(Number(row.readOnly)),
  created: row.created,
});

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * S3 access keys. Signature V4 needs the secret itself on the server (the signature is
 * an HMAC keyed by it), so secrets are stored as they are, in a system table no API
 * ever returns; protect the database file like any credential store.
 */
export class S3KeyStore {
  readonly #db: DbDriver;
  #ready: Promise<void> | null = null;
  /** secrets by access key, refreshed on every change through this store */
  #cache = new Map<string, { secret: string; key: S3Key }>();
  #loadedAt = 0;

  constructor(db: DbDriver) {
    this.#db = db;
  }

  ready(): Promise<void> {
    this.#ready ??= ensureS3Tables(this.#db);
    return this.#ready;
  }

  /** Creates a key; the only time its secret is shown. */
  async create(
    name: string,
    buckets: string[],
    readOnly: boolean,
  ): Promise<S3Key & { secretAccessKey: string }> {
    await this.ready();
    const accessKeyId = `BK${Array.from(randomBytes(18), (b) => ALNUM[b & 31]).join('')}`;
    const secretAccessKey = randomBytes(30).toString('base64url');
    const created = new Date().toISOString();
    await this.#db.run(
      `INSERT INTO "_s3_keys" ("accessKeyId", "name", "secret", "buckets", "readOnly", "created") VALUES (?, ?, ?, ?, ?, ?)`,
      [
        accessKeyId,
        name,
        secretAccessKey,
        JSON.stringify(buckets.length ? buckets : ['*']),
        readOnly ? 1 : 0,
        created,
      ],
    );
    this.#loadedAt = 0;
    return {
      accessKeyId,
      name,
      buckets: buckets.length ? buckets : ['*'],
      readOnly,
      created,
      secretAccessKey,
    };
  }

  async list(): Promise<S3Key[]> {
    await this.ready();
    return (await this.#db.all<KeyRow>(`SELECT * FROM "_s3_keys" ORDER BY "created", "accessKeyId"`)).map(
      toKey,
    );
  }

  /** Revokes a key by access key id or name; answers how many were removed. */
  async revoke(idOrName: string): Promise<number> {
    await this.ready();
    const result = await this.#db.run(`DELETE FROM "_s3_keys" WHERE "accessKeyId" = ? OR "name" = ?`, [
      idOrName,
      idOrName,
    ]);
    this.#loadedAt = 0;
    return Number((result as { changes?: number }).changes ?? 0);
  }

  /**
   * The key and secret of an access key id, or null. Read from memory for a second at
   * most, so a key revoked by another process (the CLI) stops working within a second.
   */
  async lookup(accessKeyId: string): Promise<{ secret: string; key: S3Key } | null> {
    await this.ready();
    if (Date.now() - this.#loadedAt > 1000 || !this.#cache.has(accessKeyId)) await this.#reload();
    return this.#cache.get(accessKeyId) ?? null;
  }

  async #reload(): Promise<void> {
    const rows = await this.#db.all<KeyRow>(`SELECT * FROM "_s3_keys"`);
    this.#cache = new Map(rows.map((row) => [row.accessKeyId, { secret: row.secret, key: toKey(row) }]));
    this.#loadedAt = Date.now();
  }
}
