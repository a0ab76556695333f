import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import type PocketBase from 'pocketbase';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { authCollectionWithUsers, craftToken, PASSWORD } from './security-fixture.ts';

/** Every forged or stale token must leave the caller a guest: 401 on auth-refresh, nothing private seen. */
describe('security: auth tokens', () => {
  let server: TestServer;
  let admin: PocketBase;
  let ids: Record<string, string>;
  let token: string;

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    ids = await authCollectionWithUsers(admin, 'tok_users', ['ann@x.test', 'ben@x.test', 'gone@x.test']);
    await authCollectionWithUsers(admin, 'tok_staff', ['ann@x.test']);
    const pb = server.client();
    token = (await pb.collection('tok_users').authWithPassword('ann@x.test', PASSWORD)).token;
  });
  after(() => server.stop());

  const refresh = (t: string, collection = 'tok_users') =>
    http(server.url, 'POST', `/api/collections/${collection}/auth-refresh`, { token: t });
  /** what the token lets its bearer see of ann's record (200 only when it is really ann) */
  const viewAnn = (t: string) =>
    http(server.url, 'GET', `/api/collections/tok_users/records/${ids['ann@x.test']}`, { token: t });

  async function assertRefused(t: string, label: string) {
    assert.equal((await refresh(t)).status, 401, `${label}: auth-refresh`);
    assert.equal((await viewAnn(t)).status, 404, `${label}: treated as a guest`);
  }

  test('the genuine token works (the baseline the attacks are measured against)', async () => {
    assert.equal((await refresh(token)).status, 200);
    assert.equal((await viewAnn(token)).status, 200);
  });

  test('forged signature: payload changed, signature kept', async () => {
    const [head, , sig] = token.split('.');
    const claims = { ...decodeJwt(token), id: ids['ben@x.test'] };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    assert.equal((await refresh(`${head}.${body}.${sig}`)).status, 401);
    const flipped = `${token.slice(0, -3)}${token.endsWith('A') ? 'BBB' : 'AAA'}`;
    await assertRefused(flipped, 'flipped signature');
  });

  test('alg: none', async () => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = decodeJwt(token);
    await assertRefused(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`, 'alg none');
    await assertRefused(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}`, 'alg none, no dot');
  });

  test('wrong key, and another algorithm with a guessable key', async () => {
    const claims = decodeJwt(token);
    const wrong = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(64)));
    await assertRefused(wrong, 'wrong key');
    const hs512 = await craftToken(server, 'tok_users', ids['ann@x.test'], {});
    assert.equal((await refresh(hs512)).status, 200, 'the crafted baseline is accepted');
    const reAlg = await new SignJWT(decodeJwt(hs512))
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode('y'.repeat(64)));
    await assertRefused(reAlg, 'HS512');
  });

  test('expired, even when signed with the right key', async () => {
    const expired = await craftToken(server, 'tok_users', ids['ann@x.test'], {}, { expiresIn: -5 });
    await assertRefused(expired, 'expired');
  });

  test('tokens of another type (password reset, file) are not auth tokens', async () => {
    for (const type of ['passwordReset', 'file', 'verification', 'emailChange']) {
      const other = await craftToken(server, 'tok_users', ids['ann@x.test'], { type });
      await assertRefused(other, `type ${type}`);
    }
  });

  test('cross-collection tokens', async () => {
    // a tok_users token at another auth collection's endpoint
    assert.notEqual((await refresh(token, 'tok_staff')).status, 200);
    // claims naming tok_staff but signed with tok_users' key
    const staff = server.app.services.collections.find('tok_staff');
    const mixed = await craftToken(server, 'tok_users', ids['ann@x.test'], { collectionId: staff?.id });
    assert.equal((await refresh(mixed, 'tok_staff')).status, 401);
    // a user token is no superuser token
    assert.equal((await http(server.url, 'GET', '/api/collections', { token })).status, 403);
    assert.equal((await http(server.url, 'GET', '/api/basalt/keys', { token })).status, 403);
  });

  test('tokens of deleted users', async () => {
    const gone = server.client();
    const t = (await gone.collection('tok_users').authWithPassword('gone@x.test', PASSWORD)).token;
    assert.equal((await refresh(t)).status, 200);
    await admin.collection('tok_users').delete(ids['gone@x.test']);
    assert.equal((await refresh(t)).status, 401);
  });

  test('tokens from before a password change', async () => {
    const pb = server.client();
    const old = (await pb.collection('tok_users').authWithPassword('ben@x.test', PASSWORD)).token;
    await admin
      .collection('tok_users')
      .update(ids['ben@x.test'], { password: 'a-new-password-9', passwordConfirm: 'a-new-password-9' });
    assert.equal((await refresh(old)).status, 401);
    const fresh = (
      await server.client().collection('tok_users').authWithPassword('ben@x.test', 'a-new-password-9')
    ).token;
    assert.equal((await refresh(fresh)).status, 200);
  });
});
