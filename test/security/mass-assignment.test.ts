import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { PASSWORD } from './security-fixture.ts';

/** A client may not set verified, tokenKey, id or password beyond what the rules allow. */
describe('security: mass assignment on auth records', () => {
  let server: TestServer;
  let admin: PocketBase;
  let me: { id: string; token: string };

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    await admin.collections.create({
      name: 'ma_users',
      type: 'auth',
      fields: [{ name: 'nick', type: 'text' }],
      createRule: '',
      viewRule: 'id = @request.auth.id',
      updateRule: 'id = @request.auth.id',
    });
    const created = await http(server.url, 'POST', '/api/collections/ma_users/records', {
      body: { email: 'me@ma.test', password: PASSWORD, passwordConfirm: PASSWORD },
    });
    const signIn = await http(server.url, 'POST', '/api/collections/ma_users/auth-with-password', {
      body: { identity: 'me@ma.test', password: PASSWORD },
    });
    me = { id: created.body.id, token: signIn.body.token };
  });
  after(() => server.stop());

  const stored = () =>
    server.app.services.db.get<{ id: string; verified: number; tokenKey: string; password: string }>(
      `SELECT * FROM "ma_users" WHERE "email" = 'me@ma.test'`,
    );

  test('sign-up cannot pre-verify itself or pick its tokenKey', async () => {
    const res = await http(server.url, 'POST', '/api/collections/ma_users/records', {
      body: {
        email: 'eager@ma.test',
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        verified: true,
        tokenKey: 'k'.repeat(50),
      },
    });
    const row = await server.app.services.db.get<{ verified: number; tokenKey: string }>(
      `SELECT * FROM "ma_users" WHERE "email" = 'eager@ma.test'`,
    );
    if (res.status === 200) {
      assert.ok(!row?.verified, 'not verified');
      assert.notEqual(row?.tokenKey, 'k'.repeat(50));
    } else {
      assert.equal(res.status, 400);
      assert.equal(row, undefined);
    }
  });

  test('the owner cannot set verified, tokenKey or id, nor change the password without the old one', async () => {
    const before = await stored();
    const attempts: Record<string, unknown>[] = [
      { verified: true },
      { tokenKey: 't'.repeat(50) },
      { id: 'chosen123456789' },
      { password: 'taken-over-pass-1', passwordConfirm: 'taken-over-pass-1' },
    ];
    for (const body of attempts) {
      const res = await http(server.url, 'PATCH', `/api/collections/ma_users/records/${me.id}`, {
        body,
        token: me.token,
      });
      assert.notEqual(res.status, 500, JSON.stringify(body));
      assert.deepEqual(
        await stored(),
        before,
        `nothing changed after ${JSON.stringify(body)} (status ${res.status})`,
      );
    }
    const signIn = await http(server.url, 'POST', '/api/collections/ma_users/auth-with-password', {
      body: { identity: 'me@ma.test', password: PASSWORD },
    });
    assert.equal(signIn.status, 200, 'the original password still works');
  });
});
