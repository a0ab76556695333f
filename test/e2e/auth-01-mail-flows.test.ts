import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import type PocketBase from 'pocketbase';
import { assertProblem, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { type SmtpCapture, startSmtpCapture, tokenFromMail } from '../helpers/smtp-capture.ts';

const APP_URL = 'https://app.example.test';
const PASSWORD = 'first-password-1';

describe('auth: mailed account flows through a real SMTP server', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let admin: PocketBase;
  let users: string;

  async function newUser(extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
    const email = `${uniqueName('u')}@example.com`;
    const record = await admin
      .collection(users)
      .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
    return { id: record.id, email };
  }

  before(async () => {
    [server, smtp] = await Promise.all([startServer(), startSmtpCapture()]);
    admin = await server.superuser();
    await admin.settings.update({
      meta: {
        appName: 'Basalt <Test>',
        appURL: APP_URL,
        senderName: 'Tests',
        senderAddress: 'noreply@example.com',
      },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: 'u', password: 'p', tls: false },
    });
    const collection = await admin.collections.create({
      name: uniqueName('users'),
      type: 'auth',
      fields: [{ name: 'name', type: 'text' }],
      createRule: '',
      viewRule: 'id = @request.auth.id',
      updateRule: 'id = @request.auth.id',
      verificationTemplate: {
        subject: 'Verify {APP_NAME}',
        body: '<p>Hi {RECORD:name}</p><a href="{APP_URL}/confirm-verification/{TOKEN}">go</a>',
      },
    });
    users = collection.name;
  });
  after(async () => {
    await server.stop();
    await smtp.close();
  });

  test('the smtp password is a secret: stored, answered empty', async () => {
    const settings = await admin.settings.getAll();
    assert.equal(settings.smtp.enabled, true);
    assert.equal(settings.smtp.password, '');
    assert.equal(settings.smtp.port, smtp.port);
  });

  test('verification: the mail links to meta.appURL (not the Host header), escapes record values, confirms once', async () => {
    const user = await newUser({ name: '<script>x</script>' });
    const since = smtp.mails.length;
    const response = await http(server.url, 'POST', `/api/collections/${users}/request-verification`, {
      body: { email: user.email },
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
    });
    assert.equal(response.status, 204);
    const mail = await smtp.waitFor(user.email, since);
    assert.match(mail.text, /Subject: Verify Basalt <Test>/);
    assert.ok(mail.text.includes(`${APP_URL}/confirm-verification/`), 'link from settings');
    assert.ok(!mail.text.includes('evil.example'), 'no link from request headers');
    assert.ok(mail.text.includes('&lt;script&gt;'), 'record values are HTML-escaped');
    assert.ok(!mail.text.includes('<p>Hi <script>'), 'no raw markup in the HTML part');
    const token = tokenFromMail(mail.text, 'confirm-verification');

    const pb = server.client();
    const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assertProblem(
      (await expectApiError(pb.collection(users).confirmVerification(tampered), 400)).data,
      'token',
    );
    assert.equal(await pb.collection(users).confirmVerification(token), true);
    assert.equal((await admin.collection(users).getOne(user.id)).verified, true);
    await expectApiError(pb.collection(users).confirmVerification(token), 400);
    // a verified account gets no more verification mails
    await pb.collection(users).requestVerification(user.email);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(smtp.mails.slice(since).filter((m) => m.to.includes(user.email)).length, 1);
  });

  test('password reset: the token works once, rotates the tokenKey (old sessions end), expires', async () => {
    const user = await newUser();
    const session = server.client();
    await session.collection(users).authWithPassword(user.email, PASSWORD);
    const since = smtp.mails.length;
    await server.client().collection(users).requestPasswordReset(user.email);
    const token = tokenFromMail((await smtp.waitFor(user.email, since)).text, 'confirm-password-reset');
    const pb = server.client();
    const mismatch = await expectApiError(
      pb.collection(users).confirmPasswordReset(token, 'new-password-2', 'other-one-3'),
      400,
    );
    assertProblem(mismatch.data, 'passwordConfirm', 'validation_values_mismatch');
    assert.equal(
      await pb.collection(users).confirmPasswordReset(token, 'new-password-2', 'new-password-2'),
      true,
    );
    await expectApiError(
      pb.collection(users).confirmPasswordReset(token, 'third-password-3', 'third-password-3'),
      400,
    );
    await expectApiError(session.collection(users).authRefresh(), 401);
    await expectApiError(server.client().collection(users).authWithPassword(user.email, PASSWORD), 400);
    const signedIn = await server.client().collection(users).authWithPassword(user.email, 'new-password-2');
    assert.equal(signedIn.record.verified, true, 'reading the mail proves the address');

    // an otherwise valid token past its expiry (signed here with the collection's own secret)
    const collection = server.app.services.collections.require(users);
    const secret = (collection.passwordResetToken as { secret: string }).secret;
    const row = await server.app.services.db.get<{ tokenKey: string }>(
      `SELECT "tokenKey" FROM "${users}" WHERE "id" = ?`,
      [user.id],
    );
    const craft = (exp: number) =>
      new SignJWT({ id: user.id, type: 'passwordReset', collectionId: collection.id, email: user.email })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(`${row!.tokenKey}${secret}`));
    const now = Math.floor(Date.now() / 1000);
    await expectApiError(
      pb.collection(users).confirmPasswordReset(await craft(now - 5), 'late-pass-4', 'late-pass-4'),
      400,
    );
    // the same token with a future expiry is accepted: only the expiry made the difference
    assert.equal(
      await pb.collection(users).confirmPasswordReset(await craft(now + 60), 'late-pass-4', 'late-pass-4'),
      true,
    );
  });

  test('password reset for an unknown email: the same 204 and no mail', async () => {
    const since = smtp.mails.length;
    const response = await http(server.url, 'POST', `/api/collections/${users}/request-password-reset`, {
      body: { email: 'nobody-here@example.com' },
    });
    assert.equal(response.status, 204);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(smtp.mails.length, since);
    const bad = await http(server.url, 'POST', `/api/collections/${users}/request-password-reset`, {
      body: { email: 'nope' },
    });
    assert.equal(bad.status, 400);
    assertProblem(bad.body.data, 'email', 'validation_is_email');
  });

  test('email change: mailed to the new address, needs the password, works once', async () => {
    const user = await newUser();
    const pb = server.client();
    await pb.collection(users).authWithPassword(user.email, PASSWORD);
    await expectApiError(server.client().collection(users).requestEmailChange('x@example.com'), 401);
    const newEmail = `${uniqueName('new')}@example.com`;
    const since = smtp.mails.length;
    await pb.collection(users).requestEmailChange(newEmail);
    const mail = await smtp.waitFor(newEmail, since);
    const token = tokenFromMail(mail.text, 'confirm-email-change');
    const anon = server.client();
    const wrong = await expectApiError(
      anon.collection(users).confirmEmailChange(token, 'not-the-password'),
      400,
    );
    assertProblem(wrong.data, 'password');
    assert.equal(await anon.collection(users).confirmEmailChange(token, PASSWORD), true);
    const after = await admin.collection(users).getOne(user.id);
    assert.equal(after.email, newEmail);
    assert.equal(after.verified, true);
    await expectApiError(anon.collection(users).confirmEmailChange(token, PASSWORD), 400);
    await expectApiError(pb.collection(users).authRefresh(), 401);
    await server.client().collection(users).authWithPassword(newEmail, PASSWORD);
  });

  test('a token of one kind is refused by another flow', async () => {
    const user = await newUser();
    const since = smtp.mails.length;
    await server.client().collection(users).requestVerification(user.email);
    const token = tokenFromMail((await smtp.waitFor(user.email, since)).text, 'confirm-verification');
    await expectApiError(
      server.client().collection(users).confirmPasswordReset(token, 'pass-word-99', 'pass-word-99'),
      400,
    );
    await expectApiError(server.client().collection(users).confirmEmailChange(token, PASSWORD), 400);
  });

  test('pb.settings.testEmail sends the chosen template through SMTP', async () => {
    const since = smtp.mails.length;
    assert.equal(await admin.settings.testEmail(users, 'check@example.com', 'password-reset'), true);
    const mail = await smtp.waitFor('check@example.com', since);
    assert.match(mail.text, /Reset your Basalt <Test> password/);
    await expectApiError(admin.settings.testEmail(users, 'check@example.com', 'no-such-template'), 400);
    await expectApiError(server.client().settings.testEmail(users, 'check@example.com', 'otp'), 401);
  });

  test('an unreachable SMTP server is reported to the superuser by the test email', async () => {
    await admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: 1 } });
    try {
      const error = await expectApiError(
        admin.settings.testEmail(users, 'x@example.com', 'verification'),
        400,
      );
      assert.match(error.message, /Failed to send the test email/);
    } finally {
      await admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port } });
    }
  });
});
