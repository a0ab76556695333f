import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { Inbox } from '../helpers/realtime.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { PASSWORD } from './security-fixture.ts';

/** Realtime events carry records as their subscribers may see them: no secrets, no hidden e-mails, no foreign rows. */
describe('security: hidden fields over realtime', () => {
  let server: TestServer;
  let admin: PocketBase;

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    await admin.collections.create({
      name: 'rt_people',
      type: 'auth',
      fields: [],
      listRule: '',
      viewRule: '',
    });
    await admin.collections.create({
      name: 'rt_notes',
      type: 'base',
      fields: [{ name: 'owner', type: 'text' }],
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
    });
  });
  after(() => server.stop());

  test('a guest watching an auth collection never receives password, tokenKey or a hidden e-mail', async () => {
    const guest = server.client();
    const inbox = new Inbox();
    await guest.collection('rt_people').subscribe('*', inbox.push);
    try {
      await admin.collection('rt_people').create({
        email: 'secret@rt.test',
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        emailVisibility: false,
      });
      const event = await inbox.until((e) => e.action === 'create', 'the create event');
      const text = JSON.stringify(event);
      assert.ok(event.record.id, 'the event carries the record');
      for (const leak of ['secret@rt.test', 'tokenKey', 'password', '$argon2'])
        assert.ok(!text.includes(leak), `${leak} leaked: ${text}`);
    } finally {
      await guest.realtime.unsubscribe();
    }
  });

  test('a user only receives the rows the list rule lets them see', async () => {
    const owner = await admin
      .collection('rt_people')
      .create({ email: 'watcher@rt.test', password: PASSWORD, passwordConfirm: PASSWORD });
    const watcher = server.client();
    await watcher.collection('rt_people').authWithPassword('watcher@rt.test', PASSWORD);
    const inbox = new Inbox();
    await watcher.collection('rt_notes').subscribe('*', inbox.push);
    try {
      await admin.collection('rt_notes').create({ owner: 'someone-else' });
      const mine = await admin.collection('rt_notes').create({ owner: owner.id });
      const event = await inbox.until((e) => e.action === 'create', 'the create event');
      assert.equal(event.record.id, mine.id, 'the first event is the own row: the foreign one never arrived');
    } finally {
      await watcher.realtime.unsubscribe();
    }
  });
});
