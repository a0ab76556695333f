import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { assertProblem, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'manage-password-1';

describe('auth: manageRule, identical failures, throttling', () => {
  let server: TestServer;
  let admin: PocketBase;
  let users: string;

  async function newUser(extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
    const email = `${uniqueName('u')}@example.com`;
    const record = await admin
      .collection(users)
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
    return { id: record.id, email };
  }

  async function signIn(email: string): Promise<PocketBase> {
    const pb = server.client();
    await pb.collection(users).authWithPassword(email, PASSWORD);
    return pb;
  }

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    const collection = await admin.collections.create({
      name: uniqueName('users'),
      type: 'auth',
      fields: [{ name: 'role', type: 'text' }],
      listRule: '@request.auth.id != ""',
      viewRule: '@request.auth.id != ""',
      updateRule: 'id = @request.auth.id || @request.auth.role = "staff"',
      manageRule: '@request.auth.role = "staff"',
    });
    users = collection.name;
  });
  after(() => server.stop());

  test('a manager changes another user password, email and verified without oldPassword', async () => {
    const staff = await newUser({ role: 'staff' });
    const target = await newUser();
    const pb = await signIn(staff.email);
    const victimSession = await signIn(target.email);
    const newEmail = `${uniqueName('moved')}@example.com`;
    const updated = await pb.collection(users).update(target.id, {
      password: 'managed-password-2',
      passwordConfirm: 'managed-password-2',
      verified: true,
      email: newEmail,
    });
    assert.equal(updated.verified, true);
    await expectApiError(victimSession.collection(users).authRefresh(), 401);
    await server.client().collection(users).authWithPassword(newEmail, 'managed-password-2');
  });

  test('a non-manager needs oldPassword for their own password and may not set verified', async () => {
    const user = await newUser();
    const pb = await signIn(user.email);
    const noOld = await expectApiError(
      pb.collection(users).update(user.id, { password: 'another-pass-3', passwordConfirm: 'another-pass-3' }),
      400,
    );
    assertProblem(noOld.data, 'oldPassword');
    const verified = await expectApiError(pb.collection(users).update(user.id, { verified: true }), 400);
    assertProblem(verified.data, 'verified');
    const tokenKey = await expectApiError(
      pb.collection(users).update(user.id, { tokenKey: 'x'.repeat(40) }),
      400,
    );
    assertProblem(tokenKey.data, 'tokenKey');
    const ok = await pb.collection(users).update(user.id, {
      oldPassword: PASSWORD,
      password: 'another-pass-3',
      passwordConfirm: 'another-pass-3',
    });
    assert.equal(ok.id, user.id);
  });

  test('unknown user and wrong password get the same answer', async () => {
    const user = await newUser();
    const path = `/api/collections/${users}/auth-with-password`;
    const unknown = await http(server.url, 'POST', path, {
      body: { identity: 'ghost@example.com', password: 'x-pass-1' },
    });
    const wrong = await http(server.url, 'POST', path, {
      body: { identity: user.email, password: 'x-pass-1' },
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, wrong.body);
  });

  test('repeated failures on one account are refused with 429, even with the right password after', async () => {
    const user = await newUser();
    const pb = server.client();
    for (let i = 0; i < 5; i++)
      await expectApiError(pb.collection(users).authWithPassword(user.email, 'wrong-pass-1'), 400);
    const refused = await expectApiError(pb.collection(users).authWithPassword(user.email, PASSWORD), 429);
    assert.match(refused.message, /Too many failed sign-in attempts\. Try again in \d+ seconds?\./);
    // another account from the same address is still allowed (the per-address limit is higher)
    const other = await newUser();
    await server.client().collection(users).authWithPassword(other.email, PASSWORD);
  });

  test('many failures from one address across accounts are refused with 429', async () => {
    const path = `/api/collections/${users}/auth-with-password`;
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const identity = `ghost${i}@example.com`;
      statuses.push(
        (await http(server.url, 'POST', path, { body: { identity, password: 'wrong-pass-1' } })).status,
      );
    }
    assert.ok(
      statuses.slice(0, 20).every((s) => s === 400),
      `first failures are plain 400s: ${statuses}`,
    );
    assert.equal(statuses.at(-1), 429);
    const user = await newUser();
    await expectApiError(server.client().collection(users).authWithPassword(user.email, PASSWORD), 429);
  });
});
