import type { MappedUser, ProviderPreset } from './oauth2-types.ts';

const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
/** Providers send `email_verified` as a boolean or, like Apple, as the string "true". */
const yes = (value: unknown): boolean => value === true || value === 'true';

/** Standard OpenID Connect claims (id token or userinfo). Unverified e-mails stay unverified. */
export function mapOidcClaims(raw: Record<string, unknown>): MappedUser {
  return {
    id: str(raw.sub),
    name: str(raw.name),
    username: str(raw.preferred_username ?? raw.nickname),
    email: str(raw.email),
    emailVerified: yes(raw.email_verified),
    avatarURL: str(raw.picture),
  };
}

/**
 * The named providers, as configuration: endpoints, scopes and the user-info mapping.
 * An entry's URLs can be overridden per collection (e.g. a self-hosted GitLab).
 */
export const PROVIDER_PRESETS: Record<string, ProviderPreset> = {
  oidc: {
    displayName: 'OpenID Connect',
    authURL: '',
    tokenURL: '',
    userInfoURL: '',
    scopes: ['openid', 'profile', 'email'],
    pkce: true,
    oidc: {},
    mapUser: mapOidcClaims,
  },
  google: {
    displayName: 'Google',
    authURL: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenURL: 'https://oauth2.googleapis.com/token',
    userInfoURL: 'https://openidconnect.googleapis.com/v1/userinfo',
    scopes: ['openid', 'profile', 'email'],
    pkce: true,
    mapUser: mapOidcClaims,
  },
  microsoft: {
    displayName: 'Microsoft',
    authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoURL: 'https://graph.microsoft.com/v1.0/me',
    scopes: ['User.Read'],
    pkce: true,
    // Graph's `mail` is the organisation-managed address; like PocketBase we treat it as owned
    mapUser: (raw) => ({
      id: str(raw.id),
      name: str(raw.displayName),
      username: '',
      email: str(raw.mail),
      emailVerified: Boolean(raw.mail),
      avatarURL: '',
    }),
  },
  apple: {
    displayName: 'Apple',
    authURL: 'https://appleid.apple.com/auth/authorize',
    tokenURL: 'https://appleid.apple.com/auth/token',
    userInfoURL: '',
    scopes: ['name', 'email'],
    pkce: true,
    // Apple has no userinfo endpoint: everything comes from the verified id token
    oidc: { issuer: 'https://appleid.apple.com', jwksURL: 'https://appleid.apple.com/auth/keys' },
    mapUser: mapOidcClaims,
  },
  github: {
    displayName: 'GitHub',
    authURL: 'https://github.com/login/oauth/authorize',
    tokenURL: 'https://github.com/login/oauth/access_token',
    userInfoURL: 'https://api.github.com/user',
    scopes: ['read:user', 'user:email'],
    pkce: true,
    async mapUser(raw, fetchJson) {
      // the profile e-mail carries no verified flag: only a primary, verified address counts
      const emails = (await fetchJson('https://api.github.com/user/emails').catch(() => [])) as {
        email?: string;
        primary?: boolean;
        verified?: boolean;
      }[];
      const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
      return {
        id: str(raw.id),
        name: str(raw.name),
        username: str(raw.login),
        email: str(primary?.email),
        emailVerified: Boolean(primary),
        avatarURL: str(raw.avatar_url),
      };
    },
  },
  gitlab: {
    displayName: 'GitLab',
    authURL: 'https://gitlab.com/oauth/authorize',
    tokenURL: 'https://gitlab.com/oauth/token',
    userInfoURL: 'https://gitlab.com/api/v4/user',
    scopes: ['read_user'],
    pkce: true,
    mapUser: (raw) => ({
      id: str(raw.id),
      name: str(raw.name),
      username: str(raw.username),
      email: str(raw.email),
      emailVerified: Boolean(raw.email) && Boolean(raw.confirmed_at),
      avatarURL: str(raw.avatar_url),
    }),
  },
  discord: {
    displayName: 'Discord',
    authURL: 'https://discord.com/api/oauth2/authorize',
    tokenURL: 'https://discord.com/api/oauth2/token',
    userInfoURL: 'https://discord.com/api/users/@me',
    scopes: ['identify', 'email'],
    pkce: true,
    mapUser: (raw) => ({
      id: str(raw.id),
      name: str(raw.global_name),
      username: str(raw.username),
      email: str(raw.email),
      emailVerified: yes(raw.verified),
      avatarURL: raw.avatar ? `https://cdn.discordapp.com/avatars/${str(raw.id)}/${str(raw.avatar)}.png` : '',
    }),
  },
};

/** The preset a configured name uses: exact match, or `oidc`, `oidc2`, `oidc3` … for generic OIDC. */
export function presetFor(name: string): ProviderPreset | undefined {
  return PROVIDER_PRESETS[name] ?? (/^oidc\d*$/.test(name) ? PROVIDER_PRESETS.oidc : undefined);
}
