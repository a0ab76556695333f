import { ApiError } from '../../lib/errors.ts';
import { presetFor } from './oauth2-presets.ts';
import type { ProviderConfig, ProviderPreset } from './oauth2-types.ts';

/** A provider ready to use: preset, collection config and (for OIDC) discovery merged. */
export interface ResolvedProvider {
  name: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  /** set for OpenID Connect providers: id tokens are verified against these */
  oidc?: { issuers: string[]; jwksURL: string };
  mapUser: ProviderPreset['mapUser'];
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  jwks_uri: string;
}

const discoveries = new Map<string, { at: number; doc: Promise<Discovery> }>();
const DISCOVERY_TTL_MS = 10 * 60_000;

/** The issuer's discovery document (cached for ten minutes; failures are not cached). */
function discover(issuer: string): Promise<Discovery> {
  const cached = discoveries.get(issuer);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.doc;
  const doc = (async () => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`OIDC discovery at ${url} answered ${response.status}`);
    return (await response.json()) as Discovery;
  })();
  doc.catch(() => discoveries.delete(issuer));
  discoveries.set(issuer, { at: Date.now(), doc });
  return doc;
}

const extraString = (config: ProviderConfig, key: string): string =>
  typeof config.extra?.[key] === 'string' ? (config.extra[key] as string) : '';

/**
 * Resolves a configured provider. Generic OIDC providers take their endpoints from
 * `extra.issuer` discovery unless set explicitly; `extra.issuers` narrows the accepted
 * `iss` values and `extra.jwksURL` the signing keys.
 */
export async function resolveProvider(config: ProviderConfig): Promise<ResolvedProvider> {
  const preset = presetFor(config.name);
  if (!preset) throw new ApiError('bad_request', `The OAuth2 provider "${config.name}" is not known.`);
  const resolved: ResolvedProvider = {
    name: config.name,
    displayName: config.displayName || preset.displayName,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authURL: config.authURL || preset.authURL,
    tokenURL: config.tokenURL || preset.tokenURL,
    userInfoURL: config.userInfoURL || preset.userInfoURL,
    scopes: Array.isArray(config.extra?.scopes) ? (config.extra.scopes as string[]) : preset.scopes,
    pkce: config.pkce ?? preset.pkce,
    mapUser: preset.mapUser,
  };
  if (!preset.oidc) return resolved;
  const issuer = extraString(config, 'issuer') || preset.oidc.issuer || '';
  const doc = issuer ? await discover(issuer).catch(failedDiscovery(config.name, issuer)) : undefined;
  resolved.authURL = config.authURL || doc?.authorization_endpoint || resolved.authURL;
  resolved.tokenURL = config.tokenURL || doc?.token_endpoint || resolved.tokenURL;
  resolved.userInfoURL = config.userInfoURL || doc?.userinfo_endpoint || resolved.userInfoURL;
  const issuers = Array.isArray(config.extra?.issuers) ? (config.extra.issuers as string[]) : [];
  resolved.oidc = {
    issuers: issuers.length ? issuers : [doc?.issuer ?? issuer].filter(Boolean),
    jwksURL: extraString(config, 'jwksURL') || doc?.jwks_uri || preset.oidc.jwksURL || '',
  };
  return resolved;
}

function failedDiscovery(name: string, issuer: string): (cause: unknown) => never {
  return (cause) => {
    throw new ApiError(
      'bad_request',
      `Could not read the OpenID configuration of the "${name}" provider from ${issuer}; check extra.issuer.`,
      {},
      { cause },
    );
  };
}
