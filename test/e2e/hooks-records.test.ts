import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { ApiError } from '../../src/index.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { enableBatch, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';

// One server for the file; each test binds its own handlers on its own collections and unbinds them.
let server: TestServer;
let su: PocketBase;
const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };

async function collection(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await su.collections.create({
    name,
    type: 'base',
    ...open,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'n', type: 'number' },
    ],
  });
  return name;
}

/** Removes handlers by id from every record hook. */
function unbind(...ids: string[]): void {
  for (const hook of server.app.hooks.all()) hook.unbind(...ids);
}

async function count(name: string): Promise<number> {
  return (await su.collection(name).getList(1, 1)).totalItems;
}

before(async () => {
  server = await startServer();
  su = await server.superuser();
});
after(() => server.stop());

describe('record hooks through the SDK', () => {
  test('a before-create hook changes a value that the SDK reads back', async () => {
    const notes = await collection('notes');
    const id = server.app.onRecordCreate(notes).bindFunc(async (e) => {
      e.body.title = String(e.body.title).toUpperCase();
      await e.next();
    });
    const created = await server.client().collection(notes).create({ title: 'quiet' });
    assert.equal(created.title, 'QUIET');
    assert.equal((await su.collection(notes).getOne(created.id)).title, 'QUIET');
    unbind(id);
  });

  test('a throwing before-hook rejects with its status and message and nothing is written', async () => {
    const notes = await collection('notes');
    const fired: string[] = [];
    const afterId = server.app.onRecordAfterCreateSuccess(notes).bindFunc(async (e) => {
      fired.push(String(e.record.id));
      await e.next();
    });
    const id = server.app.onRecordCreate(notes).bindFunc(async (e) => {
      if (!e.body.title) throw new ApiError('validation_failed', 'A note needs a title.');
      await e.next();
    });
    const body = await expectApiError(server.client().collection(notes).create({ n: 1 }), 400);
    assert.equal(body.message, 'A note needs a title.');
    assert.equal(await count(notes), 0);
    assert.deepEqual(fired, [], 'no after-create event for a failed write');
    const ok = await server.client().collection(notes).create({ title: 'fine' });
    assert.deepEqual(fired, [ok.id], 'after-create fired once the write committed');
    unbind(id, afterId);
  });

  test("a before-hook's extra write in the same transaction commits or rolls back with it", async () => {
    const notes = await collection('notes');
    const audit = await collection('audit');
    const committed: string[] = [];
    const id = server.app.onRecordCreate(notes).bindFunc(async (e) => {
      await e.records.create(audit, { title: `note ${e.body.title}` });
      await e.tx.run(`UPDATE "${audit}" SET n = 7`);
      e.afterCommit(() => void committed.push(String(e.body.title)));
      await e.next();
      // a check after the insert: rejecting here rolls back the insert and the audit row
      if (e.body.title === 'bad')
        throw new ApiError('bad_request', 'Bad notes are refused after the insert.');
    });
    const rejected = await expectApiError(server.client().collection(notes).create({ title: 'bad' }), 400);
    assert.equal(rejected.message, 'Bad notes are refused after the insert.');
    assert.equal(await count(notes), 0);
    assert.equal(await count(audit), 0, 'the audit row rolled back with the note');
    assert.deepEqual(committed, [], 'afterCommit does not run for a rolled-back write');

    await server.client().collection(notes).create({ title: 'good' });
    assert.equal(await count(notes), 1);
    const rows = await su.collection(audit).getFullList();
    assert.deepEqual(
      rows.map((r) => [r.title, r.n]),
      [['note good', 7]],
    );
    assert.deepEqual(committed, ['good']);
    unbind(id);
  });

  test('after-hooks run after commit: the row is visible to other connections, and their errors do not fail the request', async () => {
    const notes = await collection('notes');
    const seen: unknown[] = [];
    const ids = [
      server.app.onRecordAfterCreateSuccess(notes).bind({
        priority: -1,
        fn: async (e) => {
          // the reader connection only sees committed data
          const row = await server.app.services.db.get(`SELECT title FROM "${notes}" WHERE id = ?`, [
            String(e.record.id),
          ]);
          seen.push(row?.title);
          await e.next();
        },
      }),
      server.app.onRecordAfterCreateSuccess(notes).bindFunc(() => {
        throw new Error('after-hook failure is logged, not answered');
      }),
    ];
    const created = await server.client().collection(notes).create({ title: 'visible' });
    assert.equal(created.title, 'visible');
    assert.deepEqual(seen, ['visible']);
    unbind(...ids);
  });

  test('hooks see the principal of the request', async () => {
    const notes = await collection('notes');
    const users = uniqueName('users');
    await su.collections.create({ name: users, type: 'auth', ...open, fields: [] });
    const user = await su
      .collection(users)
      .create({ email: 'hook@example.com', password: 'a-long-password', passwordConfirm: 'a-long-password' });
    const signedIn = server.client();
    await signedIn.collection(users).authWithPassword('hook@example.com', 'a-long-password');

    const seen: string[] = [];
    const label = (e: { auth: { record: Record<string, unknown> } | null; isSuperuser: boolean }) =>
      e.isSuperuser ? 'superuser' : e.auth ? `user:${e.auth.record.id}` : 'guest';
    const ids = [
      server.app.onRecordCreate(notes).bindFunc(async (e) => {
        seen.push(`before ${label(e)}`);
        await e.next();
      }),
      server.app.onRecordAfterCreateSuccess(notes).bindFunc(async (e) => {
        seen.push(`after ${label(e)}`);
        await e.next();
      }),
    ];
    await server.client().collection(notes).create({ title: 'g' });
    await signedIn.collection(notes).create({ title: 'u' });
    await su.collection(notes).create({ title: 's' });
    assert.deepEqual(seen, [
      'before guest',
      'after guest',
      `before user:${user.id}`,
      `after user:${user.id}`,
      'before superuser',
      'after superuser',
    ]);
    unbind(...ids);
  });

  test('priority and next() order handlers; unbinding removes one; tags limit them to a collection', async () => {
    const notes = await collection('notes');
    const other = await collection('other');
    const order: string[] = [];
    const orderThen = (label: string) => async (e: { next(): Promise<void> }) => {
      order.push(label);
      await e.next();
    };
    const hook = server.app.onRecordCreate(notes);
    const ids = [
      hook.bind({ id: 'second', priority: 5, fn: orderThen('second') }),
      hook.bind({
        id: 'outer',
        priority: -5,
        fn: async (e) => {
          order.push('outer:before');
          await e.next();
          order.push(`outer:after:${e.record?.title}`);
        },
      }),
      hook.bind({ id: 'first', fn: orderThen('first') }),
    ];
    await server.client().collection(notes).create({ title: 'a' });
    assert.deepEqual(order, ['outer:before', 'first', 'second', 'outer:after:a']);
    order.length = 0;
    hook.unbind('first');
    await server.client().collection(notes).create({ title: 'b' });
    assert.deepEqual(order, ['outer:before', 'second', 'outer:after:b']);
    order.length = 0;
    await server.client().collection(other).create({ title: 'c' });
    assert.deepEqual(order, [], 'handlers tagged for another collection do not fire');
    hook.unbind(...ids);
  });

  test('a before-hook that never calls next() stops the write with a clear error', async () => {
    const notes = await collection('notes');
    const id = server.app.onRecordCreate(notes).bind({ id: 'forgetful', fn: () => {} });
    const body = await expectApiError(server.client().collection(notes).create({ title: 'x' }), 400);
    assert.match(body.message, /without calling next\(\).*forgetful/);
    assert.equal(await count(notes), 0);
    unbind(id);
  });

  test('update and delete hooks: change the body, see the original, reject a delete', async () => {
    const notes = await collection('notes');
    const fired: string[] = [];
    const ids = [
      server.app.onRecordUpdate(notes).bindFunc(async (e) => {
        e.body.n = Number(e.body.n ?? 0) * 10;
        await e.next();
        fired.push(`update ${e.original?.title}→${e.record?.title}`);
      }),
      server.app.onRecordDelete(notes).bindFunc(async (e) => {
        const row = await e.records.view(notes, e.id);
        if (row?.title === 'keep') throw new ApiError('forbidden', 'This note is kept.');
        await e.next();
        fired.push(`delete ${e.deleted.length}`);
      }),
      server.app.onRecordAfterUpdateSuccess(notes).bindFunc(async (e) => {
        fired.push(`after-update ${e.original?.n}→${e.record.n}`);
        await e.next();
      }),
      server.app.onRecordAfterDeleteSuccess(notes).bindFunc(async (e) => {
        fired.push(`after-delete ${e.record.title}`);
        await e.next();
      }),
    ];
    const pb = server.client();
    const a = await pb.collection(notes).create({ title: 'keep', n: 1 });
    const updated = await pb.collection(notes).update(a.id, { title: 'keep', n: 2 });
    assert.equal(updated.n, 20);
    const refused = await expectApiError(pb.collection(notes).delete(a.id), 403);
    assert.equal(refused.message, 'This note is kept.');
    await pb.collection(notes).update(a.id, { title: 'gone' });
    await pb.collection(notes).delete(a.id);
    assert.equal(await count(notes), 0);
    assert.deepEqual(fired, [
      'update keep→keep',
      'after-update 1→20',
      'update keep→gone',
      'after-update 20→0',
      'delete 1',
      'after-delete gone',
    ]);
    unbind(...ids);
  });

  test('in a batch, hooks run inside the batch transaction: one rejection rolls back every item', async () => {
    const notes = await collection('notes');
    await enableBatch(su);
    const after: string[] = [];
    const ids = [
      server.app.onRecordCreate(notes).bindFunc(async (e) => {
        if (e.body.title === 'second-bad') throw new ApiError('bad_request', 'Second item refused.');
        await e.next();
      }),
      server.app.onRecordAfterCreateSuccess(notes).bindFunc(async (e) => {
        after.push(String(e.record.title));
        await e.next();
      }),
    ];
    const failing = server.client().createBatch();
    failing.collection(notes).create({ title: 'first' });
    failing.collection(notes).create({ title: 'second-bad' });
    await expectApiError(failing.send(), 400);
    assert.equal(await count(notes), 0, 'the first item rolled back with the second');

    const ok = server.client().createBatch();
    ok.collection(notes).create({ title: 'one' });
    ok.collection(notes).create({ title: 'two' });
    await ok.send();
    assert.equal(await count(notes), 2);
    // batch after-hooks run after its commit without holding the response
    for (let i = 0; i < 50 && after.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(after, ['one', 'two']);
    unbind(...ids);
  });
});
