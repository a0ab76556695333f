import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type PocketBase from 'pocketbase';
import { assertProblem, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Runs `basalt <args>` as a child process on this Node; answers exit code and output. */
async function basalt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, BASALT_LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return { code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

/** The parts of a collection that must survive a migration replay. */
function shape(c: any) {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    listRule: c.listRule,
    viewRule: c.viewRule,
    createRule: c.createRule,
    indexes: c.indexes,
    fields: c.fields.map((f: any) => ({ ...f })),
  };
}

describe('SDK: migrations written by API schema changes, replayed by `basalt migrate`', () => {
  let source: TestServer;
  let pb: PocketBase;
  const migrationsDir = () => join(source.dir, 'migrations');
  const names = { authors: uniqueName('authors'), posts: uniqueName('posts'), temp: uniqueName('temp') };
  const freshDirs: string[] = [];

  before(async () => {
    source = await startServer();
    pb = await source.superuser();
  });
  after(async () => {
    await source.stop();
    for (const d of freshDirs) rmSync(d, { recursive: true, force: true });
  });

  test('schema changes through the API write migration files', async () => {
    const before = readdirSafe(migrationsDir()).length;
    const authors = await pb.collections.create({
      name: names.authors,
      type: 'base',
      listRule: '',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'email', type: 'email' },
      ],
      indexes: [
        `CREATE UNIQUE INDEX idx_${names.authors}_email ON ${names.authors} (email) WHERE email != ''`,
      ],
    });
    const afterCreate = readdirSafe(migrationsDir());
    assert.equal(afterCreate.length, before + 1, 'one file per change');

    await pb.collections.create({
      name: names.posts,
      type: 'base',
      viewRule: "status = 'live'",
      fields: [
        { name: 'title', type: 'text' },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1, cascadeDelete: true },
        { name: 'created', type: 'autodate', onCreate: true },
      ],
    });
    // rename a field, add one, and a temp collection that is then deleted
    const posts = await pb.collections.getOne(names.posts);
    const fields: any[] = structuredClone(posts.fields);
    fields.find((f: any) => f.name === 'title').name = 'headline';
    fields.push({ name: 'tags', type: 'select', values: ['x', 'y'], maxSelect: 2 });
    await pb.collections.update(posts.id, { fields });
    await pb.collections.create({ name: names.temp, type: 'base', fields: [] });
    await pb.collections.delete(names.temp);

    const files = readdirSafe(migrationsDir());
    assert.equal(files.length, before + 5);
    assert.ok(
      files.every((f) => /^\d+_.+\.json$/.test(f)),
      files.join(),
    );
    assert.ok(files.some((f) => f.includes(names.posts)));
    // the files mention what changed
    const text = files.map((f) => readFileSync(join(migrationsDir(), f), 'utf8')).join('\n');
    assert.ok(text.includes('headline'));
    assert.ok(text.includes(names.temp));
  });

  test('record writes and a failed schema change write no migration', async () => {
    const before = readdirSafe(migrationsDir()).length;
    const a = await pb.collection(names.authors).create({ name: 'Ann', email: 'ann@example.com' });
    await pb.collection(names.posts).create({ headline: 'Hello', status: 'live', author: a.id });
    const err = await expectApiError(pb.collections.create({ name: names.authors, type: 'base' }), 400);
    assertProblem(err.data, 'name', 'validation_collection_name_exists');
    await pb.collections.truncate(names.posts);
    assert.equal(readdirSafe(migrationsDir()).length, before);
  });

  test('`basalt migrate` applies them to a fresh data dir: same collections and working tables', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'basalt-migrate-'));
    freshDirs.push(fresh);
    const status = await basalt(['migrate', 'status', '--dir', fresh, '--migrationsDir', migrationsDir()]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /pending/);
    assert.doesNotMatch(status.stdout, /^applied/m);

    const up = await basalt(['migrate', '--dir', fresh, '--migrationsDir', migrationsDir()]);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /Applied \d+ migrations?\./);

    const again = await basalt(['migrate', 'up', '--dir', fresh, '--migrationsDir', migrationsDir()]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No new migrations to apply\./);

    const replica = await startServer({ dir: fresh, migrationsDir: migrationsDir() });
    try {
      const rpb = await replica.superuser();
      const mine = (list: any[]) =>
        list
          .filter((c) => !c.system)
          .map(shape)
          .sort((a, b) => a.name.localeCompare(b.name));
      const original = mine(await pb.collections.getFullList());
      const copied = mine(await rpb.collections.getFullList());
      assert.deepEqual(copied, original);
      assert.ok(copied.some((c) => c.name === names.posts));
      assert.ok(!copied.some((c) => c.name === names.temp), 'the deleted collection stays deleted');

      // the tables are real: columns, the unique index and the relation work
      const a = await rpb.collection(names.authors).create({ name: 'Bo', email: 'bo@example.com' });
      const dup = await expectApiError(
        rpb.collection(names.authors).create({ name: 'Bo2', email: 'bo@example.com' }),
        400,
      );
      assertProblem(dup.data, 'email', 'validation_not_unique');
      const p = await rpb
        .collection(names.posts)
        .create({ headline: 'Replayed', status: 'live', author: a.id, tags: ['x', 'y'] });
      assert.equal(p.headline, 'Replayed');
      assert.deepEqual(p.tags, ['x', 'y']);
      assert.match(p.created, /^\d{4}-/);
      const expanded = await rpb.collection(names.posts).getOne(p.id, { expand: 'author' });
      assert.equal(expanded.expand?.author.name, 'Bo');
      // rules came along: guests cannot view a draft
      const draft = await rpb.collection(names.posts).create({ headline: 'Hidden', status: 'draft' });
      await expectApiError(replica.client().collection(names.posts).getOne(draft.id), 404);
      // cascade delete came along
      await rpb.collection(names.authors).delete(a.id);
      await expectApiError(rpb.collection(names.posts).getOne(p.id), 404);
      // records are not part of migrations
      assert.equal((await rpb.collection(names.authors).getList()).totalItems, 0);
    } finally {
      await replica.stop();
    }
  });

  test('`basalt migrate status` on the source dir lists every migration as applied', async () => {
    const status = await basalt([
      'migrate',
      'status',
      '--dir',
      source.dir,
      '--migrationsDir',
      migrationsDir(),
    ]);
    assert.equal(status.code, 0, status.stderr);
    assert.doesNotMatch(status.stdout, /^pending/m);
    assert.match(status.stdout, /, 0 pending\./);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}
