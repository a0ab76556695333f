import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import '../helpers/realtime.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { CLIENT, startTestIdp, type TestIdp } from './oauth2-idp-fixture.ts';

/** The SDK's all-in-one `authWithOAuth2`: realtime subscription, provider redirect to Basalt, code delivered. */
describe('OAuth2 realtime redirect flow (SDK authWithOAuth2)', () => {
  let server: TestServer;
  let idp: TestIdp;
  let redirect: string;

  before(async () => {
    server = await startServer();
    redirect = `${server.url}/api/oauth2-redirect`;
    idp = await startTestIdp([redirect]);
    const admin = await server.superuser();
    await admin.collections.create({
      name: 'rt_users',
      type: 'auth',
      fields: [],
      createRule: '',
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

  test('the browser lands on Basalt, the waiting client gets the code and signs in; a replay fails', async () => {
    const pb = server.client();
    let landing = '';
    let replay = '';
    const auth = await pb.collection('rt_users').authWithOAuth2({
      provider: 'oidc',
      urlCallback: async (url) => {
        assert.ok(new URL(url).searchParams.get('state'), 'the SDK puts its realtime client id as state');
        const { location } = await idp.authorize(url, 'alice', redirect);
        const landed = await fetch(location, { redirect: 'manual' });
        landing = landed.headers.get('location') ?? '';
        const again = await fetch(location, { redirect: 'manual' });
        replay = again.headers.get('location') ?? '';
      },
    });
    assert.equal(auth.record.email, 'alice@example.com');
    assert.ok(pb.authStore.isValid);
    assert.match(landing, /oauth2-redirect-success/);
    assert.match(replay, /oauth2-redirect-failure/, 'the @oauth2 subscription is one-shot');
  });
});
