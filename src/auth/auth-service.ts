import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import { type AuthPrincipal, type RecordContext, superuserContext } from '../data/records/record-context.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { compileFilter } from '../data/filter/index.ts';
import { ApiError } from '../lib/errors.ts';
import { verifyPassword } from '../lib/password.ts';
import { peekClaims, signAuthToken, verifyAuthToken } from './auth-token.ts';
import { SUPERUSERS, superusersDefinition } from './superusers.ts';

/**
 * Who is asking: resolves bearer tokens to auth records, signs in with passwords, and
 * keeps the superusers collection. Auth collections are ordinary collections; this
 * service only adds the credential checks on top.
 */
export class AuthService {
  readonly #db: DbDriver;
  readonly #collections: CollectionsService;
  readonly #records: RecordsService;

  constructor(db: DbDriver, collections: CollectionsService, records: RecordsService) {
    this.#db = db;
    this.#collections = collections;
    this.#records = records;
  }

  /** Creates `_superusers` on first start. */
  async ensureSuperusers(): Promise<void> {
    if (this.#collections.find(SUPERUSERS)) return;
    await this.#collections.create(superusersDefinition(), { system: true, record: false });
  }

  /** The principal a bearer token names, or null for a missing, expired, forged or revoked token. */
  async resolveToken(header: string | undefined): Promise<AuthPrincipal | null> {
    if (!header) return null;
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
    const claims = peekClaims(token);
    if (!claims?.collectionId || typeof claims.id !== 'string') return null;
    const collection = this.#collections.registry.byId(claims.collectionId);
    if (!collection || collection.type !== 'auth') return null;
    const record = await this.#findById(collection, claims.id);
    if (!record) return null;
    const verified = await verifyAuthToken(token, collection, String(record.tokenKey));
    return verified ? { collection, record } : null;
  }

  /** Signs in by identity field (email by default) and password; one answer for every failure. */
  async authWithPassword(
    collection: Collection,
    identity: string,
    password: string,
  ): Promise<{ token: string; record: RecordRow }> {
    if (collection.type !== 'auth')
      throw new ApiError('bad_request', `The collection "${collection.name}" is not an auth collection.`);
    const fields = (
      (collection.passwordAuth as { identityFields?: string[] })?.identityFields ?? ['email']
    ).filter((name) => collection.fields.some((f) => f.name === name));
    let record: RecordRow | undefined;
    for (const field of fields) {
      record ??= await this.#db.get<RecordRow>(
        `SELECT * FROM ${this.#db.dialect.quote(collection.name)} WHERE ${this.#db.dialect.quote(field)} = ? LIMIT 1`,
        [identity],
      );
    }
    const ok = await verifyPassword(password, record?.password as string | undefined);
    if (!record || !ok) throw new ApiError('bad_request', 'Failed to authenticate.');
    await this.#checkAuthRule(collection, record);
    return { token: await signAuthToken(collection, record as { id: string; tokenKey: string }), record };
  }

  /**
   * The collection's `authRule` decides who may sign in after the credentials check:
   * `null` disables sign-in, `""` lets everyone in, an expression must match the record
   * (with `@request.auth` being that record).
   */
  async #checkAuthRule(collection: Collection, record: RecordRow): Promise<void> {
    const rule = collection.authRule as string | null | undefined;
    if (rule === null)
      throw new ApiError('forbidden', `Sign-in is disabled for the collection "${collection.name}".`);
    if (!rule) return;
    const condition = compileFilter(rule, {
      dialect: this.#db.dialect,
      schema: { collection: (nameOrId) => this.#collections.registry.find(nameOrId) },
      collection,
      tableAlias: 't',
      allowHiddenFields: true,
      request: {
        auth: { ...record, collectionId: collection.id, collectionName: collection.name },
        authCollection: collection,
        body: {},
        query: {},
        headers: {},
        method: 'POST',
        context: 'password',
      },
    });
    const q = this.#db.dialect.quote;
    const match = await this.#db.get(
      `SELECT 1 AS ok FROM ${q(collection.name)} ${q('t')} WHERE ${q('t')}.${q('id')} = ? AND (${condition.sql})`,
      [record.id as string, ...condition.params],
    );
    if (!match) throw new ApiError('forbidden', 'The account is not allowed to sign in.');
  }

  /** A fresh token for an authenticated principal (auth-refresh). */
  async refresh(principal: AuthPrincipal): Promise<string> {
    return signAuthToken(principal.collection, principal.record as { id: string; tokenKey: string });
  }

  /** The record context of a principal. */
  contextFor(
    principal: AuthPrincipal | null,
    base: Omit<RecordContext, 'auth' | 'isSuperuser'>,
  ): RecordContext {
    return { ...base, auth: principal, isSuperuser: principal?.collection.name === SUPERUSERS };
  }

  readonly superusers = {
    upsert: async (email: string, password: string): Promise<{ created: boolean }> => {
      const existing = await this.#superuserByEmail(email);
      if (existing) await this.superusers.update(email, password);
      else await this.superusers.create(email, password);
      return { created: !existing };
    },
    create: async (email: string, password: string): Promise<void> => {
      await this.#records.create(
        this.#superusersCollection(),
        { email, password, passwordConfirm: password, verified: true },
        superuserContext(),
      );
    },
    update: async (email: string, password: string): Promise<void> => {
      const existing = await this.#superuserByEmail(email);
      if (!existing) throw new ApiError('not_found', `No superuser with the email ${email}.`);
      // a new tokenKey revokes every token issued before the password change
      await this.#records.update(
        this.#superusersCollection(),
        String(existing.id),
        { password, passwordConfirm: password },
        superuserContext(),
      );
    },
    delete: async (email: string): Promise<void> => {
      const existing = await this.#superuserByEmail(email);
      if (!existing) throw new ApiError('not_found', `No superuser with the email ${email}.`);
      await this.#records.delete(this.#superusersCollection(), String(existing.id), superuserContext());
    },
  };

  #superusersCollection(): Collection {
    return this.#collections.require(SUPERUSERS);
  }

  #superuserByEmail(email: string): Promise<RecordRow | undefined> {
    return this.#db.get<RecordRow>(
      `SELECT * FROM ${this.#db.dialect.quote(SUPERUSERS)} WHERE "email" = ? LIMIT 1`,
      [email],
    );
  }

  #findById(collection: Collection, id: string): Promise<RecordRow | undefined> {
    const q = this.#db.dialect.quote;
    return this.#db.get<RecordRow>(`SELECT * FROM ${q(collection.name)} WHERE ${q('id')} = ? LIMIT 1`, [id]);
  }
}
