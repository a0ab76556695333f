import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import type { AuthPrincipal, RecordContext } from '../data/records/record-context.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { ApiError } from '../lib/errors.ts';
import { verifyPassword } from '../lib/password.ts';
import type { MailService } from '../mail/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordById } from './auth-lookup.ts';
import { authOptions } from './auth-options.ts';
import { noteSignInOrigin, type SignInOrigin } from './auth-origins.ts';
import { recordMatchesRule } from './auth-rule.ts';
import { authSystemCollections } from './auth-system-collections.ts';
import { PrincipalCache } from './principal-cache.ts';
import { peekClaims, signAuthToken, verifyAuthToken } from './auth-token.ts';
import { checkMfa } from './mfa-flow.ts';
import { CLI_SENT_TO, newOtpCode, storeOtp } from './otp-flow.ts';
import { MemorySignInThrottle, type SignInThrottle } from './sign-in-throttle.ts';
import { createSuperuserAdmin, type SuperuserAdmin } from './superuser-admin.ts';
import { SUPERUSERS, superusersDefinition } from './superusers.ts';

/** What the auth service needs besides the data services. */
export interface AuthServiceOptions {
  mail: MailService;
  settings: SettingsService;
  /** failed sign-in counting; in memory by default */
  throttle?: SignInThrottle;
}

/**
 * Who is asking: resolves bearer tokens to auth records, signs in with passwords and
 * one-time codes, runs the MFA step, and keeps auth's system collections. Auth
 * collections are ordinary collections; this service only adds the credential checks.
 * The mailed account flows live in their own files (`*-flow.ts`) over `deps`.
 */
export class AuthService {
  readonly deps: AuthDeps;
  readonly superusers: SuperuserAdmin;

  constructor(
    db: DbDriver,
    collections: CollectionsService,
    records: RecordsService,
    options: AuthServiceOptions,
  ) {
    this.deps = {
      db,
      collections,
      records,
      mail: options.mail,
      settings: options.settings,
      throttle: options.throttle ?? new MemorySignInThrottle(),
    };
    this.superusers = createSuperuserAdmin(db, collections, records);
    // a changed or deleted auth record (password, tokenKey, email…) drops its cached tokens
    records.onChange((event) => {
      if (event.collection.type === 'auth')
        this.#principals.forget(event.collection.id, String(event.record.id));
    });
  }

  readonly #principals = new PrincipalCache();

  /** Creates `_superusers`, `_otps` and `_mfas` when missing (first start, or an older data dir). */
  async ensureSystemCollections(): Promise<void> {
    const { collections } = this.deps;
    for (const definition of [superusersDefinition(), ...authSystemCollections()]) {
      if (!collections.find(String(definition.name)))
        await collections.create(definition, { system: true, record: false });
    }
  }

  /** The principal a bearer token names, or null for a missing, expired, forged or revoked token. */
  async resolveToken(header: string | undefined): Promise<AuthPrincipal | null> {
    if (!header) return null;
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
    // a token verified moments ago skips decoding; its collection must still be the live one
    const cached = this.#principals.get(token);
    if (cached && this.deps.collections.registry.byId(cached.collection.id) === cached.collection)
      return cached;
    const claims = peekClaims(token);
    if (!claims?.collectionId || typeof claims.id !== 'string') return null;
    const collection = this.deps.collections.registry.byId(claims.collectionId);
    if (collection?.type !== 'auth') return null;
    const record = await findAuthRecordById(this.deps.db, collection, claims.id);
    if (!record) return null;
    const verified = await verifyAuthToken(token, collection, String(record.tokenKey));
    if (!verified) return null;
    const principal = { collection, record };
    this.#principals.set(token, principal, Number((claims as { exp?: number }).exp ?? 0));
    return principal;
  }

  /**
   * Signs in by identity field (email by default) and password. Unknown identity and
   * wrong password cost one hash each and get the same answer; repeated failures per
   * account and per address are refused with 429 for a while.
   */
  async authWithPassword(
    collection: Collection,
    identity: string,
    password: string,
    ip: string,
  ): Promise<RecordRow> {
    const options = authOptions(collection);
    if (!options.passwordAuth.enabled)
      throw new ApiError('forbidden', 'The collection is not configured to allow password authentication.');
    const keys = [`account:${collection.id}:${identity.toLowerCase()}`, `ip:${ip}`];
    this.#assertNotThrottled(keys);
    const fields = options.passwordAuth.identityFields.filter((name) =>
      collection.fields.some((f) => f.name === name),
    );
    const q = this.deps.db.dialect.quote;
    let record: RecordRow | undefined;
    for (const field of fields) {
      record ??= await this.deps.db.get<RecordRow>(
        `SELECT * FROM ${q(collection.name)} WHERE ${q(field)} = ? LIMIT 1`,
        [identity],
      );
    }
    const ok = await verifyPassword(password, record?.password as string | undefined);
    if (!record || !ok) {
      for (const key of keys) this.deps.throttle.fail(key);
      throw new ApiError('bad_request', 'Failed to authenticate.');
    }
    this.deps.throttle.reset(keys[0]);
    await this.assertCanSignIn(collection, record);
    return record;
  }

  /** Refuses with 429 while any of `keys` is over its failure limit. */
  #assertNotThrottled(keys: string[]): void {
    const wait = Math.max(...keys.map((key) => this.deps.throttle.retryAfter(key)));
    if (wait > 0)
      throw new ApiError(
        'too_many_requests',
        `Too many failed sign-in attempts. Try again in ${wait} second${wait === 1 ? '' : 's'}.`,
      );
  }

  /** Counts a failed one-time code against the address, and refuses while it is throttled. */
  throttleGuard(ip: string): { check(): void; fail(): void } {
    const key = `ip:${ip}`;
    return { check: () => this.#assertNotThrottled([key]), fail: () => this.deps.throttle.fail(key) };
  }

  /**
   * The collection's `authRule` decides who may sign in after the credentials check:
   * `null` disables sign-in, `""` lets everyone in, an expression must match the record.
   */
  async assertCanSignIn(collection: Collection, record: RecordRow): Promise<void> {
    const rule = collection.authRule as string | null | undefined;
    if (rule === null)
      throw new ApiError('forbidden', `Sign-in is disabled for the collection "${collection.name}".`);
    if (
      !(await recordMatchesRule(
        this.deps.db,
        this.deps.collections,
        collection,
        record,
        rule ?? '',
        'password',
      ))
    )
      throw new ApiError('forbidden', 'The account is not allowed to sign in.');
  }

  /** The MFA step: an mfa id to answer with 401, or null to complete the sign-in. */
  mfaStep(
    collection: Collection,
    record: RecordRow,
    method: string,
    mfaId: string | undefined,
  ): Promise<string | null> {
    return checkMfa(this.deps, collection, record, method, mfaId);
  }

  /** Records where a completed sign-in came from; mails a new-sign-in alert when the place is new. */
  noteOrigin(collection: Collection, record: RecordRow, origin: SignInOrigin): Promise<void> {
    return noteSignInOrigin(this.deps, collection, record, origin);
  }

  /** A fresh auth token for a record; `durationSeconds` overrides the collection's (impersonation). */
  token(
    collection: Collection,
    record: RecordRow,
    options: { refreshable?: boolean; durationSeconds?: number } = {},
  ) {
    return signAuthToken(
      collection,
      record as { id: string; tokenKey: string },
      options.refreshable ?? true,
      options.durationSeconds,
    );
  }

  /** Whether a (verified) token may be refreshed: impersonation tokens may not. */
  isRefreshable(header: string | undefined): boolean {
    const token = (header ?? '').replace(/^Bearer\s+/, '').trim();
    return peekClaims(token)?.refreshable !== false;
  }

  /** A one-time code for a superuser, printed by `basalt superuser otp`; usable once, for the OTP duration. */
  async superuserOtp(email: string): Promise<{ otpId: string; code: string; durationSeconds: number }> {
    const record = await this.superusers.require(email);
    const collection = this.deps.collections.require(SUPERUSERS);
    const code = newOtpCode(collection);
    const otpId = await storeOtp(this.deps, collection, record, code, CLI_SENT_TO);
    return { otpId, code, durationSeconds: authOptions(collection).otp.duration };
  }

  /** The record context of a principal. */
  contextFor(
    principal: AuthPrincipal | null,
    base: Omit<RecordContext, 'auth' | 'isSuperuser'>,
  ): RecordContext {
    return { ...base, auth: principal, isSuperuser: principal?.collection.name === SUPERUSERS };
  }
}
