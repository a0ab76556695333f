/** One provider as configured in an auth collection's `oauth2.providers` (PocketBase's names). */
export interface ProviderConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  authURL?: string;
  tokenURL?: string;
  userInfoURL?: string;
  displayName?: string;
  pkce?: boolean | null;
  /** provider-specific settings: `issuer` (OIDC discovery), `issuers`, `jwksURL`, `scopes` */
  extra?: Record<string, unknown>;
}

/** The `oauth2` option of an auth collection. */
export interface OAuth2Options {
  enabled: boolean;
  /** collection field names to fill from the provider's data: id, name, username, avatarURL */
  mappedFields: Record<string, string>;
  providers: ProviderConfig[];
}

/** What Basalt learns about a user from a provider, in one shape for every provider. */
export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  email: string;
  /** true only when the provider vouches that the user owns `email` */
  emailVerified: boolean;
  avatarURL: string;
  rawUser: Record<string, unknown>;
  accessToken: string;
  refreshToken: string;
  expiry: string;
}

/** Tokens answered by a provider's token endpoint. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  expiresIn: number;
}

/** Fetches JSON with the access token (for providers that need a second call, e.g. GitHub e-mails). */
export type AuthorizedFetch = (url: string) => Promise<unknown>;

/** A named provider: defaults for its URLs and scopes, and how its user data maps to `OAuth2User`. */
export interface ProviderPreset {
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  /** OpenID Connect: verify the id token against the issuer's keys and read claims from it */
  oidc?: { issuer?: string; jwksURL?: string };
  mapUser(raw: Record<string, unknown>, fetchJson: AuthorizedFetch): Promise<MappedUser> | MappedUser;
}

/** The provider-specific part of `OAuth2User`. */
export type MappedUser = Pick<
  OAuth2User,
  'id' | 'name' | 'username' | 'email' | 'emailVerified' | 'avatarURL'
>;
