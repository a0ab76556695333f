import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { authCollectionWithUsers, PASSWORD } from './security-fixture.ts';

const APP_URL = 'https://app.security.test';

/** Reset and verification links are single-use, and built from the configured app URL only. */
describe('security: password-reset and verification tokens', () => {
  let server: TestServer;
  let admin: PocketBase;

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    await admin.settings.update({ meta: { appURL: APP_URL } });
    await authCollectionWithUsers(admin, 'flow_users', ['reset@flow.test']);
    await admin.collection('flow_users').create({
      email: 'verify@flow.test',
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
  });
  after(() => server.stop());

  /** The newest outbox mail to `email`, with the JWT from its link (no SMTP configured: mails go to the outbox). */
  async function lastMailTo(email: string): Promise<{ html: string; token: string }> {
    const answer = await admin.send('/api/basalt/mail/outbox', {});
    const mails = (answer.items as { to: { address: string }[]; html: string }[]).filter((m) =>
      m.to.some((t) => t.address === email),
    );
    const mail = mails[mails.length - 1];
    assert.ok(mail, `a mail to ${email}`);
    const token = /(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(
      mail.html.replace(/&amp;/g, '&'),
    )?.[1];
    assert.ok(token, 'the mail carries a token');
    return { html: mail.html, token };
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    http(server.url, 'POST', `/api/collections/flow_users/${path}`, { body, headers });

  test('a password-reset token works once', async () => {
    const forged = {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      origin: 'https://evil.example',
    };
    assert.equal((await post('request-password-reset', { email: 'reset@flow.test' }, forged)).status, 204);
    const { html, token } = await lastMailTo('reset@flow.test');
    assert.ok(html.includes(APP_URL), 'the link uses the configured app URL');
    assert.ok(!html.includes('evil.example'), 'request headers never shape the link');
    const confirm = (password: string) =>
      post('confirm-password-reset', { token, password, passwordConfirm: password });
    assert.equal((await confirm('first-new-pass-1')).status, 204);
    assert.equal((await confirm('second-new-pass-2')).status, 400, 'reuse is refused');
    const signIn = await post('auth-with-password', {
      identity: 'reset@flow.test',
      password: 'first-new-pass-1',
    });
    assert.equal(signIn.status, 200, 'the first reset took effect');
  });

  test('a verification token confirms the address; a replay changes nothing', async () => {
    const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
    assert.equal((await post('request-verification', { email: 'verify@flow.test' }, forged)).status, 204);
    const { html, token } = await lastMailTo('verify@flow.test');
    assert.ok(html.includes(APP_URL) && !html.includes('evil.example'));
    assert.equal((await post('confirm-verification', { token })).status, 204);
    const second = await post('confirm-verification', { token });
    // PocketBase answers 204 again for an already verified record; what matters is that nothing else changes
    assert.ok([204, 400].includes(second.status));
    const record = await admin.collection('flow_users').getFirstListItem('email = "verify@flow.test"');
    assert.equal(record.verified, true);
  });

  test('a password-reset token is not an auth token, and an auth token is not a reset token', async () => {
    await post('request-password-reset', { email: 'reset@flow.test' });
    const { token } = await lastMailTo('reset@flow.test');
    const asAuth = await http(server.url, 'POST', '/api/collections/flow_users/auth-refresh', { token });
    assert.equal(asAuth.status, 401);
    const signedIn = await post('auth-with-password', {
      identity: 'reset@flow.test',
      password: 'first-new-pass-1',
    });
    const asReset = await post('confirm-password-reset', {
      token: signedIn.body.token,
      password: 'hijacked-pass-1',
      passwordConfirm: 'hijacked-pass-1',
    });
    assert.equal(asReset.status, 400);
  });
});
