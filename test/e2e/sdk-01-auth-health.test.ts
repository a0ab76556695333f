import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectApiError } from '../helpers/sdk-fixtures.ts';
import { http, SUPERUSER, startServer, type TestServer } from '../helpers/server.ts';

describe('SDK: superuser auth and health', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  test('health check answers 200 "API is healthy."', async () => {
    const health = await server.client().health.check();
    assert.equal(health.code, 200);
    assert.equal(health.message, 'API is healthy.');
    assert.equal(typeof health.data, 'object');
  });

  test('authWithPassword signs in and fills the auth store', async () => {
    const pb = server.client();
    const auth = await pb.collection('_superusers').authWithPassword(SUPERUSER.email, SUPERUSER.password);
    assert.equal(typeof auth.token, 'string');
    assert.equal(auth.token.split('.').length, 3, 'a JWT');
    assert.equal(auth.record.email, SUPERUSER.email);
    assert.equal(auth.record.collectionName, '_superusers');
    assert.equal(typeof auth.record.collectionId, 'string');
    assert.equal(typeof auth.record.id, 'string');
    assert.equal(auth.record.password, undefined, 'password never returned');
    assert.equal(auth.record.tokenKey, undefined, 'tokenKey never returned');
    assert.ok(pb.authStore.isValid);
    assert.ok(pb.authStore.isSuperuser);
    assert.equal(pb.authStore.record?.id, auth.record.id);
  });

  test('the token grants superuser APIs; no token gets 401', async () => {
    const pb = await server.superuser();
    const list = await pb.collections.getList(1, 5);
    assert.ok(Array.isArray(list.items));
    await expectApiError(server.client().collections.getList(1, 5), 401);
  });

  test('authRefresh answers a fresh token for the same record', async () => {
    const pb = await server.superuser();
    const before = pb.authStore.record!;
    const refreshed = await pb.collection('_superusers').authRefresh();
    assert.equal(typeof refreshed.token, 'string');
    assert.equal(refreshed.record.id, before.id);
    assert.equal(refreshed.record.email, SUPERUSER.email);
    assert.equal(pb.authStore.token, refreshed.token);
    // the refreshed token works
    const again = await pb.collections.getList(1, 1);
    assert.ok(Array.isArray(again.items));
  });

  test('authRefresh without a token is 401; with a garbage token 401', async () => {
    await expectApiError(server.client().collection('_superusers').authRefresh(), 401);
    const pb = server.client();
    pb.authStore.save('not.a.jwt', null);
    await expectApiError(pb.collection('_superusers').authRefresh(), 401);
  });

  test('wrong password and unknown identity fail alike with 400', async () => {
    const wrong = await expectApiError(
      server.client().collection('_superusers').authWithPassword(SUPERUSER.email, 'wrong-password-123'),
      400,
    );
    const unknown = await expectApiError(
      server.client().collection('_superusers').authWithPassword('nobody@example.com', 'wrong-password-123'),
      400,
    );
    assert.equal(wrong.message, 'Failed to authenticate.');
    assert.equal(unknown.message, wrong.message, 'no user enumeration through the message');
    assert.deepEqual(unknown.data, wrong.data);
  });

  test('blank identity/password → 400 with field problems', async () => {
    const res = await http(server.url, 'POST', '/api/collections/_superusers/auth-with-password', {
      body: { identity: '', password: '' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.data.identity.code, 'validation_required');
    assert.equal(res.body.data.password.code, 'validation_required');
  });

  test('auth-methods lists password auth with the email identity field', async () => {
    const methods = await server.client().collection('_superusers').listAuthMethods();
    assert.equal(methods.password.enabled, true);
    assert.deepEqual(methods.password.identityFields, ['email']);
  });
});
