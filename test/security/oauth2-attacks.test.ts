import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { expectApiError } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { CLIENT, REDIRECT_URL, startTestIdp, type TestIdp } from '../e2e/oauth2-idp-fixture.ts';

describe('security: OAuth2 attacks against a real OIDC provider', () => {
  let server: TestServer;
  let idp: TestIdp;
  let admin: PocketBase;
  const users = 'oauth_users';
  const guarded = 'oauth_guarded';

  before(async () => {
    [server, idp] = await Promise.all([startServer(), startTestIdp()]);
    admin = await server.superuser();
    await admin.collections.create({
      name: users,
      type: 'auth',
      fields: [{ name: 'name', type: 'text' }],
      createRule: '',
      listRule: 'id = @request.auth.id',
      viewRule: 'id = @request.auth.id',
      oauth2: {
        enabled: true,
        mappedFields: { name: 'name' },
        providers: [
          { name: 'oidc', clientId: CLIENT.id, clientSecret: CLIENT.secret, extra: { issuer: idp.issuer } },
        ],
      },
    });
    await admin.collections.create({
      name: guarded,
      type: 'auth',
      fields: [{ name: 'role', type: 'text' }],
      createRule: '@request.body.role:isset = false',
      oauth2: {
        enabled: true,
        providers: [
          { name: 'oidc', clientId: CLIENT.id, clientSecret: CLIENT.secret, extra: { issuer: idp.issuer } },
        ],
      },
    });
  });
  after(async () => {
    await server.stop();
    await idp.close();
  });

  /** auth-methods → the provider's login and consent → the code, as a browser app would. */
  async function codeFor(login: string) {
    const methods = await server.client().collection(users).listAuthMethods();
    const provider = methods.oauth2.providers.find((p) => p.name === 'oidc');
    assert.ok(provider, 'the oidc provider is listed');
    const { code, state } = await idp.authorize(provider.authURL + encodeURIComponent(REDIRECT_URL), login);
    assert.equal(state, provider.state, 'the provider hands back our state');
    return { code, verifier: provider.codeVerifier };
  }

  const signIn = async (login: string, createData?: Record<string, unknown>) => {
    const { code, verifier } = await codeFor(login);
    const pb = server.client();
    const auth = await pb
      .collection(users)
      .authWithOAuth2Code('oidc', code, verifier, REDIRECT_URL, createData);
    return { pb, auth };
  };

  test('createData cannot set verified, tokenKey, id or password', async () => {
    const { auth } = await signIn('alice', {
      id: 'chosenid1234567',
      tokenKey: 'x'.repeat(50),
      password: 'p4ssw0rd!!',
    });
    assert.notEqual(auth.record.id, 'chosenid1234567');
    await expectApiError(
      server.client().collection(users).authWithPassword('alice@example.com', 'p4ssw0rd!!'),
      400,
    );
  });

  test('createData is judged by the create rule like any sign-up (no role picking)', async () => {
    const first = await codeFor('bob');
    const pb = server.client().collection(guarded);
    await expectApiError(
      pb.authWithOAuth2Code('oidc', first.code, first.verifier, REDIRECT_URL, { role: 'admin' }),
      400,
    );
    assert.equal((await admin.collection(guarded).getFullList()).length, 0, 'nothing was created');
    const second = await codeFor('bob');
    const auth = await pb.authWithOAuth2Code('oidc', second.code, second.verifier, REDIRECT_URL);
    assert.equal(auth.record.verified, true);
    assert.equal((await admin.collection(guarded).getOne(auth.record.id)).role, '');
  });

  test('a wrong PKCE verifier or a reused code is refused', async () => {
    const { code } = await codeFor('alice');
    const wrong = 'w'.repeat(64);
    await expectApiError(
      server.client().collection(users).authWithOAuth2Code('oidc', code, wrong, REDIRECT_URL),
      400,
    );
    const fresh = await codeFor('alice');
    await server
      .client()
      .collection(users)
      .authWithOAuth2Code('oidc', fresh.code, fresh.verifier, REDIRECT_URL);
    await expectApiError(
      server.client().collection(users).authWithOAuth2Code('oidc', fresh.code, fresh.verifier, REDIRECT_URL),
      400,
    );
  });

  for (const tamper of ['wrong-aud', 'wrong-iss', 'alg-none', 'foreign-key'] as const) {
    test(`an id token with ${tamper} is refused`, async () => {
      const { code, verifier } = await codeFor('alice');
      idp.tamper = tamper;
      try {
        const error = await expectApiError(
          server.client().collection(users).authWithOAuth2Code('oidc', code, verifier, REDIRECT_URL),
          400,
        );
        assert.match(error.message, /invalid id token/);
      } finally {
        idp.tamper = 'none';
      }
    });
  }

  test('pre-hijacking: an unverified local account with the victim’s e-mail is never linked', async () => {
    const attacker = server.client();
    const planted = await attacker.collection(users).create({
      email: 'victim@example.com',
      password: 'attacker-pass-1',
      passwordConfirm: 'attacker-pass-1',
    });
    assert.equal(planted.verified, false);
    const { code, verifier } = await codeFor('victim');
    await expectApiError(
      server.client().collection(users).authWithOAuth2Code('oidc', code, verifier, REDIRECT_URL),
      400,
    );
    const links = await admin
      .collection('_externalAuths')
      .getFullList({ filter: `recordRef = "${planted.id}"` });
    assert.equal(links.length, 0);
    const still = await admin.collection(users).getOne(planted.id);
    assert.equal(still.verified, false);
  });

  test('only a provider-verified e-mail links to a verified local account', async () => {
    const local = await admin.collection(users).create({
      email: 'carol@example.com',
      password: 'carol-pass-123',
      passwordConfirm: 'carol-pass-123',
      verified: true,
    });
    // mallory's provider account claims carol's address, unverified: no link, no sign-in
    const { code, verifier } = await codeFor('mallory');
    await expectApiError(
      server.client().collection(users).authWithOAuth2Code('oidc', code, verifier, REDIRECT_URL),
      400,
    );
    const links = await admin
      .collection('_externalAuths')
      .getFullList({ filter: `recordRef = "${local.id}"` });
    assert.equal(links.length, 0);
    // dave's provider account vouches for dave's address: the verified local record is linked
    const daveLocal = await admin.collection(users).create({
      email: 'dave@example.com',
      password: 'dave-pass-1234',
      passwordConfirm: 'dave-pass-1234',
      verified: true,
    });
    const { auth } = await signIn('dave');
    assert.equal(auth.record.id, daveLocal.id);
    assert.equal(auth.meta?.isNew, false);
  });

  test('the redirect endpoint refuses a state nobody waits for', async () => {
    for (const path of ['/api/oauth2-redirect?state=nobody&code=abc', '/api/oauth2-redirect?code=abc']) {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      assert.equal(res.status, 307);
      assert.match(res.headers.get('location') ?? '', /oauth2-redirect-failure/);
    }
    const posted = await fetch(`${server.url}/api/oauth2-redirect`, {
      method: 'POST',
      body: 'state=nobody&code=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    assert.equal(posted.status, 307);
    assert.match(posted.headers.get('location') ?? '', /oauth2-redirect-failure/);
  });
});
