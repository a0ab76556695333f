import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { ClientResponseError } from 'pocketbase';
import { assertProblem, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'otp-mfa-password-1';

interface OutboxMail {
  to: { address: string }[];
  subject: string;
  html: string;
  text: string;
}

describe('auth: OTP, MFA, impersonation and the dev outbox (no SMTP)', () => {
  let server: TestServer;
  let admin: PocketBase;
  let users: string;

  async function outbox(): Promise<OutboxMail[]> {
    const answer = await admin.send('/api/basalt/mail/outbox', {});
    assert.equal(answer.mode, 'outbox');
    return answer.items;
  }

  async function codeFor(email: string): Promise<string> {
    const mail = (await outbox()).find((m) => m.to.some((t) => t.address === email));
    assert.ok(mail, `an outbox mail to ${email}`);
    return /<strong>(\d+)<\/strong>/.exec(mail.html)![1];
  }

  async function newUser(): Promise<{ id: string; email: string }> {
    const email = `${uniqueName('u')}@example.com`;
    const record = await admin
      .collection(users)
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
    return { id: record.id, email };
  }

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    const collection = await admin.collections.create({
      name: uniqueName('users'),
      type: 'auth',
      fields: [],
      viewRule: 'id = @request.auth.id',
      otp: { enabled: true, duration: 60, length: 6 },
    });
    users = collection.name;
  });
  after(() => server.stop());

  test('auth-methods reports OTP and MFA from the collection options', async () => {
    const methods = await server.client().collection(users).listAuthMethods();
    assert.deepEqual(methods.otp, { enabled: true, duration: 60 });
    assert.deepEqual(methods.mfa, { enabled: false, duration: 0 });
    assert.equal(methods.password.enabled, true);
    assert.deepEqual(methods.oauth2.providers, []);
  });

  test('OTP: the code from the outbox signs in once; a wrong code or a reused otp is refused', async () => {
    const user = await newUser();
    const pb = server.client();
    const { otpId } = await pb.collection(users).requestOTP(user.email);
    assert.equal(typeof otpId, 'string');
    const code = await codeFor(user.email);
    assert.equal(code.length, 6);
    await expectApiError(
      pb.collection(users).authWithOTP(otpId, code === '000000' ? '111111' : '000000'),
      400,
    );
    const auth = await pb.collection(users).authWithOTP(otpId, code);
    assert.equal(auth.record.id, user.id);
    assert.equal(auth.record.verified, true, 'the code was mailed to the address');
    assert.ok(pb.authStore.isValid);
    await expectApiError(server.client().collection(users).authWithOTP(otpId, code), 400);
  });

  test('OTP for an unknown email answers an otpId too, and sends nothing', async () => {
    const before = (await outbox()).length;
    const { otpId } = await server.client().collection(users).requestOTP('nobody@example.com');
    assert.equal(typeof otpId, 'string');
    assert.equal((await outbox()).length, before);
    await expectApiError(server.client().collection(users).authWithOTP(otpId, '123456'), 400);
  });

  test('OTP requests past five live codes send no more mail and answer the newest otpId', async () => {
    const user = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await server.client().collection(users).requestOTP(user.email)).otpId);
    const mails = (await outbox()).filter((m) => m.to.some((t) => t.address === user.email));
    assert.equal(mails.length, 5);
    assert.equal(new Set(ids).size, 5);
    assert.equal(ids[6], ids[4]);
  });

  test('a sign-in from a new place mails an alert; the first sign-in and known places do not', async () => {
    const user = await newUser();
    const path = `/api/collections/${users}/auth-with-password`;
    const signIn = async (agent: string) => {
      const response = await http(server.url, 'POST', path, {
        body: { identity: user.email, password: PASSWORD },
        headers: { 'user-agent': agent },
      });
      assert.equal(response.status, 200);
    };
    const alerts = async () =>
      (await outbox()).filter(
        (m) => m.to.some((t) => t.address === user.email) && /New sign-in/.test(m.subject),
      );
    await signIn('Browser A <script>');
    await signIn('Browser A <script>');
    assert.equal((await alerts()).length, 0);
    await signIn('Browser B <script>');
    const [alert] = await alerts();
    assert.ok(alert, 'an alert for the new place');
    assert.ok(alert.html.includes('Browser B &lt;script&gt;'), 'the client is named, escaped');
    await signIn('Browser B <script>');
    assert.equal((await alerts()).length, 1);
  });

  test('the outbox is for superusers only', async () => {
    const anon = await http(server.url, 'GET', '/api/basalt/mail/outbox');
    assert.equal(anon.status, 401);
    const user = await newUser();
    const pb = server.client();
    await pb.collection(users).authWithPassword(user.email, PASSWORD);
    await expectApiError(pb.send('/api/basalt/mail/outbox', {}), 403);
  });

  test('MFA: password then OTP (with mfaId) completes; the same method twice does not', async () => {
    await admin.collections.update(users, { mfa: { enabled: true, duration: 120 } });
    try {
      const user = await newUser();
      const pb = server.client();
      let mfaId = '';
      try {
        await pb.collection(users).authWithPassword(user.email, PASSWORD);
        assert.fail('the first factor alone must not sign in');
      } catch (error) {
        assert.ok(error instanceof ClientResponseError);
        assert.equal(error.status, 401);
        mfaId = error.response.mfaId;
      }
      assert.equal(typeof mfaId, 'string');
      assert.ok(!pb.authStore.isValid);
      const same = await expectApiError(
        pb.collection(users).authWithPassword(user.email, PASSWORD, { mfaId }),
        400,
      );
      assert.match(same.message, /different authentication method/);
      const { otpId } = await pb.collection(users).requestOTP(user.email);
      const code = await codeFor(user.email);
      const auth = await pb.collection(users).authWithOTP(otpId, code, { mfaId });
      assert.equal(auth.record.id, user.id);
      assert.ok(pb.authStore.isValid);
      // the mfa session is consumed
      await expectApiError(
        server.client().collection(users).authWithPassword(user.email, PASSWORD, { mfaId }),
        400,
      );
    } finally {
      await admin.collections.update(users, { mfa: { enabled: false } });
    }
  });

  test('impersonate: a superuser gets a non-refreshable token of the chosen duration', async () => {
    const user = await newUser();
    const client = await admin.collection(users).impersonate(user.id, 120);
    assert.equal(client.authStore.record?.id, user.id);
    const payload = JSON.parse(Buffer.from(client.authStore.token.split('.')[1], 'base64url').toString());
    assert.equal(payload.refreshable, false);
    const lifetime = payload.exp - Math.floor(Date.now() / 1000);
    assert.ok(lifetime > 100 && lifetime <= 120, `lifetime ${lifetime}`);
    const seen = await client.collection(users).getOne(user.id);
    assert.equal(seen.id, user.id);
    const before = client.authStore.token;
    const refreshed = await client.collection(users).authRefresh();
    assert.equal(
      refreshed.token,
      before,
      'a non-refreshable token comes back unchanged (PocketBase does the same)',
    );
    const pb = server.client();
    await pb.collection(users).authWithPassword(user.email, PASSWORD);
    await expectApiError(pb.collection(users).impersonate(user.id, 60), 403);
    await expectApiError(admin.collection(users).impersonate('missingrecord00', 60), 404);
  });

  test('auth options are validated: out-of-range numbers, bad rules, unknown identity fields', async () => {
    const error = await expectApiError(
      admin.collections.update(users, {
        otp: { length: 2, duration: 5 },
        mfa: { rule: 'nosuchfield = 1' },
        passwordAuth: { identityFields: ['nosuchfield'] },
        authToken: { duration: -1 },
        manageRule: '((',
      }),
      400,
    );
    assertProblem(error.data, 'otp.length', 'validation_out_of_range');
    assertProblem(error.data, 'otp.duration', 'validation_out_of_range');
    assertProblem(error.data, 'mfa.rule', 'validation_invalid_rule');
    assertProblem(error.data, 'passwordAuth.identityFields');
    assertProblem(error.data, 'authToken.duration');
    assertProblem(error.data, 'manageRule', 'validation_invalid_rule');
    const stored = await admin.collections.getOne(users);
    assert.equal(stored.otp.length, 6, 'nothing changed');
    assert.equal(stored.authAlert.enabled, true, 'defaults are answered');
  });

  test('request-otp is refused when OTP is disabled', async () => {
    await admin.collections.update(users, { otp: { enabled: false } });
    try {
      const user = await newUser();
      await expectApiError(server.client().collection(users).requestOTP(user.email), 403);
    } finally {
      await admin.collections.update(users, { otp: { enabled: true } });
    }
  });
});
