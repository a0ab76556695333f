import { createHash, randomBytes } from 'node:crypto';
import type { Collection } from '../../data/collection-types.ts';
import { readOAuth2Options } from './oauth2-options.ts';
import { resolveProvider } from './oauth2-provider.ts';

/** One provider as `auth-methods` answers it; the SDK appends its redirect URL to `authURL`. */
export interface ProviderInfo {
  name: string;
  displayName: string;
  state: string;
  authURL: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * The `oauth2` part of `auth-methods`: a fresh state and PKCE pair per provider and call.
 * Providers whose discovery fails are left out (and logged by the caller) rather than
 * failing the whole list.
 */
export async function oauth2Methods(
  collection: Collection,
  onError: (name: string, cause: unknown) => void = () => {},
): Promise<{ enabled: boolean; providers: ProviderInfo[] }> {
  const options = readOAuth2Options(collection);
  if (!options.enabled) return { enabled: false, providers: [] };
  const providers: ProviderInfo[] = [];
  for (const config of options.providers) {
    try {
      providers.push(await describe(config));
    } catch (cause) {
      onError(config.name, cause);
    }
  }
  return { enabled: true, providers };
}

async function describe(config: Parameters<typeof resolveProvider>[0]): Promise<ProviderInfo> {
  const provider = await resolveProvider(config);
  const state = random(24);
  const codeVerifier = provider.pkce ? random(48) : '';
  const codeChallenge = codeVerifier ? createHash('sha256').update(codeVerifier).digest('base64url') : '';
  const url = new URL(provider.authURL);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', provider.scopes.join(' '));
  url.searchParams.set('state', state);
  if (codeChallenge) {
    url.searchParams.set('code_challenge', codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return {
    name: provider.name,
    displayName: provider.displayName,
    state,
    // left empty and last so clients can append their own redirect URL, as PocketBase does
    authURL: `${url.toString()}&redirect_uri=`,
    codeVerifier,
    codeChallenge,
    codeChallengeMethod: codeChallenge ? 'S256' : '',
  };
}
