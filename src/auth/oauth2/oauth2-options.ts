import type { Collection } from '../../data/collection-types.ts';
import { isPlainObject } from '../../lib/json.ts';
import type { OAuth2Options, ProviderConfig } from './oauth2-types.ts';

/** The collection's `oauth2` option with defaults filled (disabled, no providers). */
export function readOAuth2Options(collection: Collection): OAuth2Options {
  const raw = isPlainObject(collection.oauth2) ? collection.oauth2 : {};
  const providers = Array.isArray(raw.providers) ? raw.providers.filter(isPlainObject) : [];
  return {
    enabled: raw.enabled === true,
    mappedFields: isPlainObject(raw.mappedFields) ? (raw.mappedFields as Record<string, string>) : {},
    providers: providers
      .filter((p) => typeof p.name === 'string' && p.name)
      .map(
        (p) =>
          ({
            ...p,
            clientId: String(p.clientId ?? ''),
            clientSecret: String(p.clientSecret ?? ''),
          }) as ProviderConfig,
      ),
  };
}

/** Body keys a client may never set through `createData`: the provider and the server decide them. */
export const PROTECTED_CREATE_KEYS = ['id', 'email', 'verified', 'tokenKey', 'password', 'passwordConfirm'];
