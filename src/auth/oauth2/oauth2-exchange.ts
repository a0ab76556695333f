import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ApiError } from '../../lib/errors.ts';
import type { ResolvedProvider } from './oauth2-provider.ts';
import type { OAuth2User, ProviderTokens } from './oauth2-types.ts';

const TIMEOUT_MS = 10_000;
const keySets = new Map<string, JWTVerifyGetKey>();

/** Every failure of the provider round trip is one 400 for the client; the cause goes to the log. */
function failed(message: string, cause?: unknown): ApiError {
  return new ApiError('bad_request', message, {}, { cause });
}

/** Trades an authorization code (and its PKCE verifier) for tokens at the provider's token endpoint. */
export async function exchangeCode(
  provider: ResolvedProvider,
  code: string,
  codeVerifier: string,
  redirectURL: string,
): Promise<ProviderTokens> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectURL,
    client_id: provider.clientId,
    client_secret: provider.clientSecret,
  });
  if (codeVerifier) form.set('code_verifier', codeVerifier);
  const response = await fetch(provider.tokenURL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch((cause) => {
    throw failed('Failed to reach the OAuth2 provider.', cause);
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string')
    throw failed(
      'Failed to fetch OAuth2 token.',
      new Error(`token endpoint: ${response.status} ${JSON.stringify(body)}`),
    );
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : '',
    idToken: typeof body.id_token === 'string' ? body.id_token : '',
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 0,
  };
}

/**
 * Verifies an OpenID Connect id token: signature by the issuer's published keys,
 * `iss` among the accepted issuers, `aud` equal to our client id, not expired.
 */
async function verifyIdToken(provider: ResolvedProvider, idToken: string): Promise<Record<string, unknown>> {
  const oidc = provider.oidc;
  if (!oidc?.jwksURL)
    throw failed(`The "${provider.name}" provider has no signing keys URL (extra.jwksURL).`);
  let keys = keySets.get(oidc.jwksURL);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(oidc.jwksURL));
    keySets.set(oidc.jwksURL, keys);
  }
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: oidc.issuers.length ? oidc.issuers : undefined,
      audience: provider.clientId,
    });
    return payload as Record<string, unknown>;
  } catch (cause) {
    throw failed('The OAuth2 provider returned an invalid id token.', cause);
  }
}

async function getJson(url: string, accessToken: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** The signed-in user as the provider describes them, mapped to one shape. */
export async function fetchUser(provider: ResolvedProvider, tokens: ProviderTokens): Promise<OAuth2User> {
  let raw: Record<string, unknown> = {};
  if (provider.oidc) {
    // OIDC: the id token is mandatory and verified; userinfo may add claims but never changes `sub`
    if (!tokens.idToken) throw failed('The OAuth2 provider returned no id token.');
    raw = await verifyIdToken(provider, tokens.idToken);
  }
  if (provider.userInfoURL) {
    const info = (await getJson(provider.userInfoURL, tokens.accessToken).catch((cause) => {
      throw failed('Failed to fetch OAuth2 user.', cause);
    })) as Record<string, unknown>;
    if (provider.oidc && info.sub !== raw.sub)
      throw failed('The OAuth2 userinfo does not match the id token.');
    raw = { ...raw, ...info };
  }
  const mapped = await provider.mapUser(raw, (url) => getJson(url, tokens.accessToken));
  if (!mapped.id) throw failed('The OAuth2 provider did not identify the user.');
  return {
    ...mapped,
    rawUser: raw,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiry: tokens.expiresIn ? new Date(Date.now() + tokens.expiresIn * 1000).toISOString() : '',
  };
}
