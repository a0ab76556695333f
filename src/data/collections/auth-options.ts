import { isPlainObject } from '../../lib/json.ts';
import { randomString } from '../../lib/random.ts';
import type { Collection } from '../collection-types.ts';

/** Token kinds of an auth collection, each signed with its own secret. */
const TOKEN_KINDS = {
  authToken: 604800,
  passwordResetToken: 1800,
  emailChangeToken: 1800,
  verificationToken: 259200,
  fileToken: 180,
} as const;

/** Option keys an auth collection carries besides the common ones (PocketBase's names). */
export const AUTH_OPTION_KEYS = [
  'authRule',
  'manageRule',
  'authAlert',
  'oauth2',
  'passwordAuth',
  'mfa',
  'otp',
  ...Object.keys(TOKEN_KINDS),
  'verificationTemplate',
  'resetPasswordTemplate',
  'confirmEmailChangeTemplate',
] as const;

/**
 * Merges the auth options of client input over the stored ones and fills defaults:
 * a fresh random secret per token kind, password sign-in by email. A secret left
 * out of an update keeps its stored value, so clients never need to see secrets.
 */
export function mergeAuthOptions(next: Collection, input: Record<string, unknown>): void {
  const storedProviders = providersOf(next.oauth2);
  for (const key of AUTH_OPTION_KEYS) {
    if (!(key in input)) continue;
    const value = input[key];
    next[key] =
      isPlainObject(value) && isPlainObject(next[key]) ? { ...(next[key] as object), ...value } : value;
  }
  // an OAuth2 provider sent back without its clientSecret (answers never carry it) keeps the stored one
  if (isPlainObject(next.oauth2) && Array.isArray(next.oauth2.providers))
    next.oauth2 = {
      ...next.oauth2,
      providers: providersOf(next.oauth2).map((p) => ({
        ...p,
        clientSecret: p.clientSecret || storedProviders.find((s) => s.name === p.name)?.clientSecret || '',
      })),
    };
  next.authRule ??= '';
  next.manageRule ??= null;
  next.passwordAuth ??= { enabled: true, identityFields: ['email'] };
  // PocketBase's defaults, so a new collection answers them; templates are filled by auth when sending
  next.otp = { enabled: false, duration: 180, length: 8, ...(isPlainObject(next.otp) ? next.otp : {}) };
  next.mfa = { enabled: false, duration: 600, rule: '', ...(isPlainObject(next.mfa) ? next.mfa : {}) };
  next.authAlert = { enabled: true, ...(isPlainObject(next.authAlert) ? next.authAlert : {}) };
  for (const [kind, duration] of Object.entries(TOKEN_KINDS)) {
    const current = isPlainObject(next[kind]) ? (next[kind] as Record<string, unknown>) : {};
    next[kind] = {
      duration: typeof current.duration === 'number' && current.duration > 0 ? current.duration : duration,
      secret:
        typeof current.secret === 'string' && current.secret.length >= 30 ? current.secret : randomString(50),
    };
  }
}

/** The collection as answered: token secrets left out. */
export function withoutSecrets(collection: Collection): Collection {
  const copy = { ...collection };
  for (const kind of Object.keys(TOKEN_KINDS)) {
    if (isPlainObject(copy[kind])) {
      const { secret: _secret, ...rest } = copy[kind] as Record<string, unknown>;
      copy[kind] = rest;
    }
  }
  if (isPlainObject(copy.oauth2))
    copy.oauth2 = {
      ...copy.oauth2,
      providers: providersOf(copy.oauth2).map(({ clientSecret: _secret, ...rest }) => rest),
    };
  return copy;
}

/** The provider entries of an `oauth2` option (copies, so callers may change them). */
function providersOf(oauth2: unknown): Record<string, unknown>[] {
  const list = isPlainObject(oauth2) && Array.isArray(oauth2.providers) ? oauth2.providers : [];
  return list.filter(isPlainObject).map((p) => ({ ...p }));
}
