import { randomBytes } from 'node:crypto';
import type { DbDriver, Queryable } from '../../db/driver.ts';
import type { Collection } from '../../data/collection-types.ts';
import type { CollectionsService } from '../../data/collections/collections-service.ts';
import { type RecordContext, superuserContext } from '../../data/records/record-context.ts';
import type { RecordRow } from '../../data/records/record-output.ts';
import type { RecordsService } from '../../data/records/records-service.ts';
import { ApiError, invalidField } from '../../lib/errors.ts';
import { EXTERNAL_AUTHS, ensureExternalAuths, findLink } from './external-auths.ts';
import { exchangeCode, fetchUser } from './oauth2-exchange.ts';
import { PROTECTED_CREATE_KEYS, readOAuth2Options } from './oauth2-options.ts';
import { resolveProvider } from './oauth2-provider.ts';
import type { OAuth2User } from './oauth2-types.ts';

/** What `auth-with-oauth2` sends. */
export interface OAuth2SignInInput {
  provider: string;
  code: string;
  codeVerifier: string;
  redirectURL: string;
  createData: Record<string, unknown>;
}

/** The outcome of a sign-in: the record and what the provider said (the caller issues the token). */
export interface OAuth2SignIn {
  record: RecordRow;
  isNew: boolean;
  user: OAuth2User;
}

/**
 * Sign-in with an OAuth2/OIDC provider: exchanges the code, then finds the record linked
 * to the provider account, or links an existing *verified* record with the same
 * provider-verified e-mail, or creates a new record. It never links to an unverified
 * local record (account pre-hijacking: someone may have registered the victim's e-mail
 * first and waits for the victim to sign in with a provider).
 */
export class OAuth2Service {
  readonly #db: DbDriver;
  readonly #collections: CollectionsService;
  readonly #records: RecordsService;

  constructor(db: DbDriver, collections: CollectionsService, records: RecordsService) {
    this.#db = db;
    this.#collections = collections;
    this.#records = records;
  }

  /** Creates `_externalAuths` when missing (call once at start). */
  ensure(): Promise<void> {
    return ensureExternalAuths(this.#collections, this.#records);
  }

  /** Runs the whole sign-in; every provider failure is a 400 whose cause is logged, not sent. */
  async signIn(collection: Collection, input: OAuth2SignInInput): Promise<OAuth2SignIn> {
    const options = readOAuth2Options(collection);
    if (collection.type !== 'auth' || !options.enabled)
      throw new ApiError(
        'bad_request',
        `OAuth2 sign-in is not enabled for the collection "${collection.name}".`,
      );
    const config = options.providers.find((p) => p.name === input.provider);
    if (!config)
      throw invalidField(
        'provider',
        'validation_invalid_provider',
        `Provider "${input.provider}" is not configured.`,
      );
    const provider = await resolveProvider(config);
    const tokens = await exchangeCode(provider, input.code, input.codeVerifier, input.redirectURL);
    const user = await fetchUser(provider, tokens);
    const afterCommit: (() => void)[] = [];
    const { record, isNew } = await this.#db.transaction(async (tx) => {
      const ctx: RecordContext = { ...superuserContext(), context: 'oauth2', tx, afterCommit };
      return this.#findOrCreate(
        tx,
        ctx,
        collection,
        provider.name,
        user,
        input.createData,
        options.mappedFields,
      );
    });
    for (const deliver of afterCommit) deliver();
    return { record, isNew, user };
  }

  async #findOrCreate(
    tx: Queryable,
    ctx: RecordContext,
    collection: Collection,
    provider: string,
    user: OAuth2User,
    createData: Record<string, unknown>,
    mappedFields: Record<string, string>,
  ): Promise<{ record: RecordRow; isNew: boolean }> {
    const q = this.#db.dialect.quote;
    const link = await findLink(tx, collection.id, provider, user.id);
    if (link) {
      const linked = await tx.get<RecordRow>(`SELECT * FROM ${q(collection.name)} WHERE "id" = ?`, [
        link.recordRef,
      ]);
      if (linked) return { record: linked, isNew: false };
      await tx.run(`DELETE FROM "${EXTERNAL_AUTHS}" WHERE "id" = ?`, [link.id]);
    }
    if (!user.email || !user.emailVerified)
      throw new ApiError(
        'bad_request',
        'The OAuth2 provider did not confirm an e-mail address for this account; confirm it with the provider, then sign in again.',
      );
    const existing = await tx.get<RecordRow>(`SELECT * FROM ${q(collection.name)} WHERE "email" = ?`, [
      user.email,
    ]);
    if (existing && !existing.verified)
      throw new ApiError(
        'bad_request',
        'An account with this e-mail exists but its e-mail is not verified, so it cannot be linked. Verify it first (or sign in with its password and link the provider then).',
      );
    const record = existing ?? (await this.#create(ctx, collection, user, createData, mappedFields));
    await this.#link(ctx, collection, provider, user.id, String(record.id));
    return { record, isNew: !existing };
  }

  async #create(
    ctx: RecordContext,
    collection: Collection,
    user: OAuth2User,
    createData: Record<string, unknown>,
    mappedFields: Record<string, string>,
  ): Promise<RecordRow> {
    if (collection.createRule === null)
      throw new ApiError(
        'forbidden',
        `New accounts cannot be created in "${collection.name}" (its create rule is superuser-only).`,
      );
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(createData))
      if (!PROTECTED_CREATE_KEYS.includes(key)) data[key] = value;
    for (const [from, fieldName] of Object.entries(mappedFields)) {
      const field = collection.fields.find((f) => f.name === fieldName);
      const value = user[from as keyof OAuth2User];
      // file fields would need a download; they are left to the app
      if (field && field.type !== 'file' && typeof value === 'string' && value && !(fieldName in data))
        data[fieldName] = value;
    }
    const password = randomBytes(24).toString('base64url');
    Object.assign(data, { email: user.email, password, passwordConfirm: password });
    // created as the (anonymous) client, so the create rule judges createData like any sign-up;
    // then marked verified by the server, which the client may not do
    const created = await this.#records.create(collection, data, { ...ctx, auth: null, isSuperuser: false });
    return this.#records.update(collection, String(created.id), { verified: true }, ctx);
  }

  async #link(
    ctx: RecordContext,
    collection: Collection,
    provider: string,
    providerId: string,
    recordRef: string,
  ) {
    const links = this.#collections.require(EXTERNAL_AUTHS);
    await this.#records.create(links, { collectionRef: collection.id, recordRef, provider, providerId }, ctx);
  }
}
