import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';

/** The redirect URL registered for the test client; the browser never really goes there. */
export const REDIRECT_URL = 'http://127.0.0.1:9/oauth2-callback';
export const CLIENT = { id: 'basalt-test', secret: 'a-long-test-client-secret-0123456789' };

/** Accounts of the test identity provider: the login name is the account id. */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  alice: { email: 'alice@example.com', email_verified: true, name: 'Alice A' },
  bob: { email: 'bob@example.com', email_verified: true, name: 'Bob B' },
  victim: { email: 'victim@example.com', email_verified: true, name: 'Victim' },
  dave: { email: 'dave@example.com', email_verified: true, name: 'Dave' },
  // claims carol's address without the provider having verified it
  mallory: { email: 'carol@example.com', email_verified: false, name: 'Mallory' },
};

/** How the token endpoint's id token is tampered with, to test that Basalt refuses it. */
export type Tamper = 'none' | 'wrong-aud' | 'wrong-iss' | 'alg-none' | 'foreign-key';

export interface TestIdp {
  issuer: string;
  tamper: Tamper;
  /**
   * Runs the browser part of the authorization code flow (login + consent) and answers
   * the redirect to `stopAt` (the test app's redirect URL unless given).
   */
  authorize(
    authURL: string,
    login: string,
    stopAt?: string,
  ): Promise<{ code: string; state: string; location: string }>;
  close(): Promise<void>;
}

/** A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1 with one confidential client. */
export async function startTestIdp(extraRedirectURLs: string[] = []): Promise<TestIdp> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [REDIRECT_URL, ...extraRedirectURLs],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-signing-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx: unknown, id: string) =>
      ACCOUNTS[id] ? { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined,
  } as never);
  const idp: TestIdp = {
    issuer,
    tamper: 'none',
    authorize: (url, login, stopAt) => authorize(url, login, stopAt),
    close,
  };
  provider.use(async (ctx: { path: string; body: unknown }, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && body?.id_token && idp.tamper !== 'none')
      body.id_token = await tamper(body.id_token, idp.tamper, privateKey);
  });
  server.on('request', provider.callback());

  async function close(): Promise<void> {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return idp;
}

async function tamper(idToken: string, how: Tamper, key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  const claims = decodeJwt(idToken);
  if (how === 'alg-none') {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  }
  if (how === 'wrong-aud') claims.aud = 'some-other-client';
  if (how === 'wrong-iss') claims.iss = 'http://evil.example';
  let signingKey: Parameters<SignJWT['sign']>[0] = key;
  if (how === 'foreign-key') signingKey = (await generateKeyPair('RS256')).privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(signingKey);
}

/**
 * Plays the browser: follows redirects by hand with a cookie jar, fills the provider's
 * login form and consent form, and stops at the redirect to the app.
 */
async function authorize(
  authURL: string,
  login: string,
  stopAt = REDIRECT_URL,
): Promise<{ code: string; state: string; location: string }> {
  const jar = new Map<string, string>();
  let url = authURL;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location');
    form = undefined;
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(stopAt)) {
        if (next.searchParams.get('error')) throw new Error(`provider error: ${next.search}`);
        const code = next.searchParams.get('code') ?? '';
        return { code, state: next.searchParams.get('state') ?? '', location: next.href };
      }
      url = next.href;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200)
      throw new Error(`provider answered ${response.status}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the provider page: ${html.slice(0, 300)}`);
    url = new URL(action, url).href;
    form = html.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' });
  }
  throw new Error('the authorization flow did not finish in 20 steps');
}
