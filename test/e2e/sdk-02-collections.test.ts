import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { assertProblem, createBase, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('SDK: collections', () => {
  let server: TestServer;
  let pb: PocketBase;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
  });
  after(() => server.stop());

  const byName = (c: any, name: string) => c.fields.find((f: any) => f.name === name);

  test('create with every field type and its options', async () => {
    const target = await createBase(pb, 'target', [{ name: 'title', type: 'text' }]);
    const name = uniqueName('every');
    const created = await pb.collections.create({
      name,
      type: 'base',
      listRule: '',
      viewRule: 'id != ""',
      fields: [
        { name: 'title', type: 'text', required: true, min: 2, max: 50, pattern: '^[a-z ]+$' },
        { name: 'count', type: 'number', min: 0, max: 100, onlyInt: true },
        { name: 'active', type: 'bool' },
        { name: 'contact', type: 'email', onlyDomains: ['example.com'] },
        { name: 'site', type: 'url', exceptDomains: ['bad.example'] },
        { name: 'due', type: 'date', min: '2000-01-01 00:00:00.000Z' },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
        { name: 'color', type: 'select', values: ['red', 'green', 'blue'], maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
        { name: 'meta', type: 'json', maxSize: 2000 },
        { name: 'one', type: 'relation', collectionId: target.id, maxSelect: 1, cascadeDelete: true },
        { name: 'many', type: 'relation', collectionId: target.id, maxSelect: 5, minSelect: 0 },
        {
          name: 'doc',
          type: 'file',
          maxSelect: 2,
          maxSize: 1024 * 1024,
          mimeTypes: ['image/png', 'text/plain'],
          thumbs: ['100x100'],
          protected: true,
        },
        { name: 'body', type: 'editor', maxSize: 10000, convertURLs: true },
      ],
    });
    assert.equal(created.name, name);
    assert.equal(created.type, 'base');
    assert.equal(typeof created.id, 'string');
    assert.equal(created.system, false);
    assert.equal(created.listRule, '');
    assert.equal(created.viewRule, 'id != ""');
    assert.equal(created.createRule, null);
    assert.ok(Array.isArray(created.indexes));
    // the implicit primary key comes first
    const id = created.fields[0];
    assert.equal(id.name, 'id');
    assert.equal(id.type, 'text');
    assert.equal(id.primaryKey, true);
    assert.equal(id.system, true);

    const title = byName(created, 'title');
    assert.equal(title.type, 'text');
    assert.equal(title.required, true);
    assert.equal(title.min, 2);
    assert.equal(title.max, 50);
    assert.equal(title.pattern, '^[a-z ]+$');
    assert.equal(typeof title.id, 'string');
    assert.ok(title.id.length > 0);
    assert.equal(byName(created, 'count').onlyInt, true);
    assert.equal(byName(created, 'count').max, 100);
    assert.deepEqual(byName(created, 'contact').onlyDomains, ['example.com']);
    assert.deepEqual(byName(created, 'site').exceptDomains, ['bad.example']);
    assert.equal(byName(created, 'updated').onUpdate, true);
    assert.equal(byName(created, 'created').onUpdate, false);
    assert.deepEqual(byName(created, 'color').values, ['red', 'green', 'blue']);
    assert.equal(byName(created, 'tags').maxSelect, 3);
    assert.equal(byName(created, 'meta').maxSize, 2000);
    assert.equal(byName(created, 'one').collectionId, target.id);
    assert.equal(byName(created, 'one').cascadeDelete, true);
    assert.equal(byName(created, 'many').maxSelect, 5);
    assert.equal(byName(created, 'many').cascadeDelete, false);
    const doc = byName(created, 'doc');
    assert.deepEqual(doc.mimeTypes, ['image/png', 'text/plain']);
    assert.deepEqual(doc.thumbs, ['100x100']);
    assert.equal(doc.protected, true);
    assert.equal(doc.maxSize, 1024 * 1024);
    assert.equal(byName(created, 'body').convertURLs, true);

    // the same definition comes back from getOne, by name and by id
    const viaName = await pb.collections.getOne(name);
    const viaId = await pb.collections.getOne(created.id);
    assert.deepEqual(viaName, created);
    assert.deepEqual(viaId, created);

    // and the table is really there: a record with every value round-trips
    const rel = await pb.collection(target.name).create({ title: 'x' });
    const record = await pb.collection(name).create({
      title: 'hello world',
      count: 7,
      active: true,
      contact: 'a@example.com',
      site: 'https://good.example/x',
      due: '2024-05-06 07:08:09.000Z',
      color: 'green',
      tags: ['a', 'c'],
      meta: { nested: [1, 2] },
      one: rel.id,
      many: [rel.id],
      body: '<p>hi</p>',
    });
    assert.equal(record.title, 'hello world');
    assert.equal(record.count, 7);
    assert.equal(record.active, true);
    assert.equal(record.due, '2024-05-06 07:08:09.000Z');
    assert.equal(record.color, 'green');
    assert.deepEqual(record.tags, ['a', 'c']);
    assert.deepEqual(record.meta, { nested: [1, 2] });
    assert.equal(record.one, rel.id);
    assert.deepEqual(record.many, [rel.id]);
    assert.deepEqual(record.doc, []);
    assert.match(record.created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('unique index is created and enforced; index definitions come back', async () => {
    const name = uniqueName('idx');
    const created = await pb.collections.create({
      name,
      type: 'base',
      fields: [
        { name: 'slug', type: 'text' },
        { name: 'n', type: 'number' },
      ],
      indexes: [
        `CREATE UNIQUE INDEX idx_${name}_slug ON ${name} (slug)`,
        `CREATE INDEX idx_${name}_n ON ${name} (n)`,
      ],
    });
    assert.equal(created.indexes.length, 2);
    assert.match(created.indexes[0], /CREATE UNIQUE INDEX/i);
    assert.ok(created.indexes[0].includes(`idx_${name}_slug`));
    await pb.collection(name).create({ slug: 'same' });
    const err = await expectApiError(pb.collection(name).create({ slug: 'same' }), 400);
    assertProblem(err.data, 'slug', 'validation_not_unique');
  });

  test('getList/getFullList/getFirstListItem with filter and sort', async () => {
    const prefix = uniqueName('lst');
    for (const suffix of ['b', 'a', 'c']) {
      await pb.collections.create({ name: `${prefix}_${suffix}`, type: 'base', fields: [] });
    }
    const list = await pb.collections.getList(1, 2, { filter: `name ~ '${prefix}_'`, sort: '-name' });
    assert.equal(list.page, 1);
    assert.equal(list.perPage, 2);
    assert.equal(list.totalItems, 3);
    assert.equal(list.totalPages, 2);
    assert.deepEqual(
      list.items.map((c) => c.name),
      [`${prefix}_c`, `${prefix}_b`],
    );
    const full = await pb.collections.getFullList({ filter: `name ~ '${prefix}_'`, sort: 'name' });
    assert.deepEqual(
      full.map((c) => c.name),
      [`${prefix}_a`, `${prefix}_b`, `${prefix}_c`],
    );
    const first = await pb.collections.getFirstListItem(`name = '${prefix}_b'`);
    assert.equal(first.name, `${prefix}_b`);
    // system collections are listed too, marked as such
    const system = await pb.collections.getFullList({ filter: 'system = true' });
    assert.ok(system.some((c) => c.name === '_superusers'));
    assert.ok(system.every((c) => c.system === true));
    // fields param narrows the shape
    const narrow = await pb.collections.getList(1, 1, { filter: `name = '${prefix}_a'`, fields: 'id,name' });
    assert.deepEqual(Object.keys(narrow.items[0]).sort(), ['id', 'name']);
  });

  test('getOne of a missing collection is 404', async () => {
    await expectApiError(pb.collections.getOne('does_not_exist_here'), 404);
  });

  test('update: rename field keeps data, add field, remove field, single→multi select', async () => {
    const c = await createBase(pb, 'upd', [
      { name: 'title', type: 'text' },
      { name: 'gone', type: 'text' },
      { name: 'kind', type: 'select', values: ['x', 'y'], maxSelect: 1 },
    ]);
    const rec = await pb.collection(c.name).create({ title: 'keep me', gone: 'bye', kind: 'x' });
    const titleId = byName(c, 'title').id;
    const fields = structuredClone(c.fields).filter((f: any) => f.name !== 'gone');
    byName({ fields }, 'title').name = 'headline';
    byName({ fields }, 'kind').maxSelect = 2;
    fields.push({ name: 'extra', type: 'number' });
    const updated = await pb.collections.update(c.id, { fields });
    assert.ok(byName(updated, 'headline'));
    assert.equal(byName(updated, 'title'), undefined);
    assert.equal(byName(updated, 'gone'), undefined);
    assert.equal(byName(updated, 'extra').type, 'number');
    assert.equal(byName(updated, 'headline').id, titleId, 'the field keeps its id');

    const after = await pb.collection(c.name).getOne(rec.id);
    assert.equal(after.headline, 'keep me');
    assert.equal(after.title, undefined);
    assert.equal(after.gone, undefined);
    assert.equal(after.extra, 0);
    assert.deepEqual(after.kind, ['x'], 'a single select value becomes a one-item list');
    // the new field is writable
    const written = await pb.collection(c.name).update(rec.id, { extra: 5, kind: ['x', 'y'] });
    assert.equal(written.extra, 5);
    assert.deepEqual(written.kind, ['x', 'y']);
  });

  test('update: rename collection keeps its records and id', async () => {
    const c = await createBase(pb, 'ren', [{ name: 'title', type: 'text' }]);
    const rec = await pb.collection(c.name).create({ title: 'survivor' });
    const newName = uniqueName('renamed');
    const updated = await pb.collections.update(c.name, { name: newName });
    assert.equal(updated.name, newName);
    assert.equal(updated.id, c.id);
    const got = await pb.collection(newName).getOne(rec.id);
    assert.equal(got.title, 'survivor');
    assert.equal(got.collectionName, newName);
    await expectApiError(pb.collection(c.name).getList(), 404);
  });

  test('update rules and read them back', async () => {
    const c = await createBase(pb, 'rules', [{ name: 'title', type: 'text' }]);
    const updated = await pb.collections.update(c.id, { listRule: 'title != ""', deleteRule: '' });
    assert.equal(updated.listRule, 'title != ""');
    assert.equal(updated.deleteRule, '');
    assert.equal(updated.viewRule, null);
  });

  test('truncate removes the records and keeps the collection', async () => {
    const c = await createBase(pb, 'trunc', [{ name: 'title', type: 'text' }]);
    for (let i = 0; i < 3; i++) await pb.collection(c.name).create({ title: `t${i}` });
    assert.equal((await pb.collection(c.name).getList()).totalItems, 3);
    await pb.collections.truncate(c.name);
    assert.equal((await pb.collection(c.name).getList()).totalItems, 0);
    assert.equal((await pb.collections.getOne(c.id)).name, c.name);
  });

  test('delete removes the collection; deleting a referenced collection is refused', async () => {
    const target = await createBase(pb, 'deltarget', []);
    const ref = await createBase(pb, 'delref', [{ name: 'r', type: 'relation', collectionId: target.id }]);
    await expectApiError(pb.collections.delete(target.id), 400);
    assert.equal(await pb.collections.delete(ref.id), true);
    await expectApiError(pb.collections.getOne(ref.id), 404);
    await pb.collections.delete(target.name);
    await expectApiError(pb.collections.getOne(target.name), 404);
    await expectApiError(pb.collection(target.name).getList(), 404);
  });

  test('validation: duplicate name (case-insensitive)', async () => {
    const c = await createBase(pb, 'dup', []);
    const err = await expectApiError(
      pb.collections.create({ name: c.name.toUpperCase(), type: 'base' }),
      400,
    );
    assert.equal(err.message, 'Failed to create collection.');
    assertProblem(err.data, 'name', 'validation_collection_name_exists');
  });

  // PocketBase prepends the implicit `id` field before validating, so problem indexes
  // count it: the second submitted field is `fields.2` when no `id` field was sent.
  test('validation: bad field name → data.fields.N.name', async () => {
    const err = await expectApiError(
      pb.collections.create({
        name: uniqueName('badfield'),
        type: 'base',
        fields: [
          { name: 'ok', type: 'text' },
          { name: 'bad name!', type: 'text' },
        ],
      }),
      400,
    );
    assertProblem(err.data, 'fields.2.name', 'validation_match_invalid');
    assert.equal(err.data.fields[1], undefined, 'the good field has no problem');
  });

  test('validation: duplicate field name → data.fields.N.name', async () => {
    const err = await expectApiError(
      pb.collections.create({
        name: uniqueName('dupfield'),
        type: 'base',
        fields: [
          { name: 'same', type: 'text' },
          { name: 'same', type: 'number' },
        ],
      }),
      400,
    );
    assertProblem(err.data, 'fields.2.name', 'validation_duplicated_field_name');
  });

  test('validation: reserved field names with an explicit id field → data.fields.N.name', async () => {
    const err = await expectApiError(
      pb.collections.create({
        name: uniqueName('reserved'),
        type: 'base',
        fields: [
          { name: 'id', type: 'text' },
          { name: 'expand', type: 'text' },
          { name: 'collectionId', type: 'text' },
          { name: 'fine', type: 'text' },
        ],
      }),
      400,
    );
    assertProblem(err.data, 'fields.1.name', 'validation_not_in_invalid');
    assertProblem(err.data, 'fields.2.name', 'validation_not_in_invalid');
    assert.equal(err.data.fields[3], undefined);
  });

  test('validation: unknown field type → 400', async () => {
    const name = uniqueName('unknowntype');
    await expectApiError(
      pb.collections.create({ name, type: 'base', fields: [{ name: 'x', type: 'hologram' }] }),
      400,
    );
    await expectApiError(pb.collections.getOne(name), 404);
  });

  test('validation: relation to a missing collection → data.fields.N.collectionId', async () => {
    const err = await expectApiError(
      pb.collections.create({
        name: uniqueName('badrel'),
        type: 'base',
        fields: [{ name: 'r', type: 'relation', collectionId: 'pbc_missing000000' }],
      }),
      400,
    );
    assertProblem(err.data, 'fields.1.collectionId', 'validation_field_relation_missing_collection');
  });

  test('validation: bad rule → data.<rule>.code validation_invalid_rule', async () => {
    const err = await expectApiError(
      pb.collections.create({
        name: uniqueName('badrule'),
        type: 'base',
        fields: [{ name: 'title', type: 'text' }],
        listRule: 'title = ',
        viewRule: 'nosuchfield = 1',
      }),
      400,
    );
    assertProblem(err.data, 'listRule', 'validation_invalid_rule');
    assertProblem(err.data, 'viewRule', 'validation_invalid_rule');
  });

  test('validation on update: failure leaves the collection unchanged', async () => {
    const c = await createBase(pb, 'updfail', [{ name: 'title', type: 'text' }]);
    const err = await expectApiError(pb.collections.update(c.id, { listRule: '((' }), 400);
    assert.equal(err.message, 'Failed to update collection.');
    assertProblem(err.data, 'listRule', 'validation_invalid_rule');
    assert.equal((await pb.collections.getOne(c.id)).listRule, null);
  });
});

describe('SDK: collections import', () => {
  let server: TestServer;
  let pb: PocketBase;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
  });
  after(() => server.stop());

  test('import creates and updates; deleteMissing removes the rest', async () => {
    const keep = await createBase(pb, 'keep', [{ name: 'title', type: 'text' }]);
    const drop = await createBase(pb, 'drop', [{ name: 'title', type: 'text' }]);
    await pb.collection(keep.name).create({ title: 'kept record' });
    const fresh = uniqueName('fresh');

    // merge import: adds a new collection and a field; nothing else goes
    const keepFields = [...keep.fields, { name: 'added', type: 'bool' }];
    assert.equal(
      await pb.collections.import(
        [
          { ...keep, fields: keepFields },
          { name: fresh, type: 'base', fields: [{ name: 'a', type: 'text' }] },
        ],
        false,
      ),
      true,
    );
    const afterMerge = await pb.collections.getFullList();
    const names = afterMerge.map((c) => c.name);
    assert.ok(names.includes(keep.name));
    assert.ok(names.includes(drop.name), 'without deleteMissing nothing is removed');
    assert.ok(names.includes(fresh));
    const keptRecords = await pb.collection(keep.name).getFullList();
    assert.equal(keptRecords.length, 1);
    assert.equal(keptRecords[0].title, 'kept record');
    assert.equal(keptRecords[0].added, false);

    // deleteMissing: only the imported (and system) collections survive
    const current = await pb.collections.getOne(keep.id);
    await pb.collections.import([current], true);
    const afterDelete = await pb.collections.getFullList();
    const remaining = afterDelete.filter((c) => !c.system).map((c) => c.name);
    assert.deepEqual(remaining, [keep.name]);
    assert.ok(
      afterDelete.some((c) => c.name === '_superusers'),
      'system collections stay',
    );
    await expectApiError(pb.collection(drop.name).getList(), 404);
    assert.equal((await pb.collection(keep.name).getFullList()).length, 1);
  });

  test('import of an empty list → 400 data.collections', async () => {
    const err = await expectApiError(pb.collections.import([], false), 400);
    assertProblem(err.data, 'collections');
  });

  test('import with an invalid collection fails and changes nothing', async () => {
    const before = (await pb.collections.getFullList()).map((c) => c.name).sort();
    const good = uniqueName('good');
    await expectApiError(
      pb.collections.import(
        [
          { name: good, type: 'base', fields: [] },
          { name: uniqueName('bad'), type: 'base', fields: [{ name: 'bad name!', type: 'text' }] },
        ] as any[],
        false,
      ),
      400,
    );
    const after = (await pb.collections.getFullList()).map((c) => c.name).sort();
    assert.deepEqual(after, before);
  });
});
