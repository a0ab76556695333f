import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';

// PocketBase shows hidden fields to superusers only, and an auth record's password hash
// and tokenKey to nobody.
describe('hidden fields in answers', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    await pb.collections.create({
      name: 'notes',
      type: 'base',
      listRule: '',
      viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'secret', type: 'text', hidden: true },
      ],
    });
    await pb.collections.create({ name: 'members', type: 'auth', listRule: '', viewRule: '' });
  });
  after(() => server.stop());

  it('a superuser sees a hidden field; a guest does not', async () => {
    const pb = await server.superuser();
    const created = await pb.collection('notes').create({ title: 't', secret: 's3cr3t' });
    assert.equal(created.secret, 's3cr3t');
    const guest = await server.client().collection('notes').getOne(created.id);
    assert.equal(guest.title, 't');
    assert.equal('secret' in guest, false);
  });

  it('nobody sees an auth record password hash or tokenKey, superusers included', async () => {
    const pb = await server.superuser();
    const member = await pb
      .collection('members')
      .create({ email: 'm@example.com', password: 'long-enough-pw', passwordConfirm: 'long-enough-pw' });
    const viewed = await pb.collection('members').getOne(member.id);
    for (const record of [member, viewed]) {
      assert.equal('password' in record, false);
      assert.equal('tokenKey' in record, false);
      assert.equal(record.email, 'm@example.com');
    }
  });
});
