import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import PocketBase from 'pocketbase';
import { type BasaltApp, createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';
import { expectApiError } from '../helpers/sdk-fixtures.ts';
import { runBasalt, tempDir } from '../helpers/process-server.ts';

const ADMIN = { email: 'cli-admin@example.com', password: 'cli-admin-password' };

/** An in-process server on `dir` (the CLI runs between two of them, never beside one). */
async function serveOn(dir: string): Promise<{ app: BasaltApp; pb: PocketBase }> {
  const config = defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'migrations') });
  const app = createBasalt({ config, logger: pino({ level: 'silent' }) });
  const { url } = await app.serve();
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return { app, pb };
}

describe('CLI: superuser otp, users list, mail outbox', () => {
  const dir = tempDir('basalt-auth-cli-');
  let userEmail = '';

  before(async () => {
    const { app, pb } = await serveOn(dir);
    try {
      await app.superusers.upsert(ADMIN.email, ADMIN.password);
      await pb.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await pb.collections.create({ name: 'members', type: 'auth', fields: [] });
      userEmail = 'member@example.com';
      await pb
        .collection('members')
        .create({ email: userEmail, password: 'member-pass-1', passwordConfirm: 'member-pass-1' });
      // no SMTP configured: this mail goes to the outbox
      await pb.collection('members').requestPasswordReset(userEmail);
    } finally {
      await app.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('users list prints a table, --json the records without secrets', async () => {
    const plain = await runBasalt(['users', 'list', 'members', '--dir', dir]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /id\s+email\s+verified\s+created/);
    assert.ok(plain.stdout.includes(userEmail));
    assert.match(plain.stdout, /1 record\(s\) in members\./);
    const json = await runBasalt(['users', 'list', 'members', '--json', '--dir', dir]);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].email, userEmail);
    assert.equal(rows[0].password, undefined);
    assert.equal(rows[0].tokenKey, undefined);
    const wrong = await runBasalt(['users', 'list', 'nope', '--dir', dir]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /No collection named "nope"/);
  });

  test('mail outbox lists the reset mail; --json gives its link', async () => {
    const plain = await runBasalt(['mail', 'outbox', '--dir', dir]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /1 mail\(s\) in /);
    assert.ok(plain.stdout.includes(`to ${userEmail}`));
    const json = await runBasalt(['mail', 'outbox', '--json', '--dir', dir]);
    const [mail] = JSON.parse(json.stdout);
    assert.match(mail.html, /confirm-password-reset\/[\w-]+\.[\w-]+\.[\w-]+/);
  });

  test('superuser otp prints a code that signs in once over HTTP', async () => {
    const printed = await runBasalt(['superuser', 'otp', ADMIN.email, '--dir', dir]);
    assert.equal(printed.code, 0, printed.stderr);
    const otpId = /otpId: (\w+)/.exec(printed.stdout)?.[1];
    const code = /code:\s+(\d+)/.exec(printed.stdout)?.[1];
    assert.ok(otpId && code, printed.stdout);
    const missing = await runBasalt(['superuser', 'otp', 'nobody@example.com', '--dir', dir]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No superuser with the email nobody@example\.com/);
    const { app, pb } = await serveOn(dir);
    try {
      const auth = await pb.collection('_superusers').authWithOTP(otpId, code);
      assert.equal(auth.record.email, ADMIN.email);
      assert.ok(pb.authStore.isSuperuser);
      // used once; OTP mail sign-in is off for _superusers, so a second try is refused outright
      await expectApiError(
        new PocketBase(pb.baseURL).collection('_superusers').authWithOTP(otpId, code),
        403,
      );
    } finally {
      await app.close();
    }
  });
});
