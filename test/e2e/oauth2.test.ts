import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { startServer, type TestServer } from '../helpers/server.ts';
import { CLIENT, REDIRECT_URL, startTestIdp, type TestIdp } from './oauth2-idp-fixture.ts';

describe('OAuth2 / OpenID Connect against a real OIDC provider', () => {
  let server: TestServer;
  let idp: TestIdp;
  let admin: PocketBase;
  const users = 'oauth_users';

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

  test('collection answers never carry the client secret; an update without it keeps it', async () => {
    const answered = await admin.collections.getOne(users);
    assert.equal(answered.oauth2.providers[0].clientId, CLIENT.id);
    assert.equal(answered.oauth2.providers[0].clientSecret, undefined);
    assert.ok(!JSON.stringify(answered).includes(CLIENT.secret));
    await admin.collections.update(users, { oauth2: answered.oauth2 });
    await signIn('alice'); // the token exchange still authenticates with the stored secret
  });

  test('superusers list the known providers (getAllOAuth2Providers)', async () => {
    const all = await admin.collections.getAllOAuth2Providers();
    const names = all.map((p: { name: string }) => p.name);
    for (const name of ['oidc', 'google', 'github', 'microsoft', 'apple', 'gitlab', 'discord'])
      assert.ok(names.includes(name), name);
    const guest = await server
      .client()
      .send('/api/collections/meta/oauth2-providers', {})
      .catch((e) => e.status);
    assert.equal(guest, 401);
  });

  test('auth-methods lists the provider with state and a PKCE pair', async () => {
    const methods = await server.client().collection(users).listAuthMethods();
    assert.equal(methods.oauth2.enabled, true);
    const [p] = methods.oauth2.providers;
    assert.equal(p.name, 'oidc');
    assert.ok(p.state.length >= 20 && p.codeVerifier.length >= 43);
    assert.equal(p.codeChallengeMethod, 'S256');
    assert.ok(p.authURL.startsWith(`${idp.issuer}/`) && p.authURL.endsWith('&redirect_uri='));
    assert.equal(new URL(p.authURL).searchParams.get('code_challenge'), p.codeChallenge);
  });

  test('sign-in creates the user once, then signs the same user in; the link is listed', async () => {
    const first = await signIn('bob', { name: 'Bob from createData' });
    assert.equal(first.auth.record.email, 'bob@example.com');
    assert.equal(first.auth.record.verified, true);
    assert.equal(first.auth.record.name, 'Bob from createData');
    assert.equal(first.auth.meta?.isNew, true);
    assert.equal(first.auth.meta?.id, 'bob');
    assert.equal(first.auth.meta?.email, 'bob@example.com');
    assert.ok(first.auth.meta?.accessToken);
    assert.ok(first.pb.authStore.isValid);
    const again = await signIn('bob');
    assert.equal(again.auth.record.id, first.auth.record.id);
    assert.equal(again.auth.meta?.isNew, false);
    const links = await again.pb.collection(users).listExternalAuths(again.auth.record.id);
    assert.deepEqual(
      links.map((l) => [l.provider, l.providerId]),
      [['oidc', 'bob']],
    );
    // the token works for the records API as that user
    const mine = await again.pb.collection(users).getList();
    assert.deepEqual(
      mine.items.map((r) => r.id),
      [again.auth.record.id],
    );
  });

  test('deleting a user removes its links', async () => {
    const { auth } = await signIn('alice');
    await admin.collection(users).delete(auth.record.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const links = await admin
      .collection('_externalAuths')
      .getFullList({ filter: `recordRef = "${auth.record.id}"` });
    assert.equal(links.length, 0);
    const back = await signIn('alice');
    assert.equal(back.auth.meta?.isNew, true);
  });
});
