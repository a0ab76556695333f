import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { logsSettingsSection } from '../../src/observability/logs-settings.ts';
import { requestLogMessage } from '../../src/observability/request-log-row.ts';
import {
  openRequestLogStore,
  type RequestLogStoreOptions,
} from '../../src/observability/request-log-store.ts';
import { quoteFacts, type RequestFacts, requestLogData } from '../helpers/request-facts.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function logsUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-request-log-'));
  dirs.push(dir);
  return `sqlite://${dir}/auxiliary.db`;
}

const open = (url: string, options: RequestLogStoreOptions) =>
  openRequestLogStore(url, logsSettingsSection.defaults, options);

// messages and data a line-based batch could trip over
const awkward = [
  { level: 0, message: 'GET /tab\there/new\nline', data: { userAgent: 'a\tb\nc\\d"e' } },
  { level: 8, message: 'GET /ünïcödé/😀 \ud800', data: { url: '/x?y=\u0000\u001f', n: 1.5 } },
  { level: 4, message: '', data: {} },
];

// requests whose facts a tab-separated batch line could trip over
const request = (over: Partial<RequestFacts>): RequestFacts => ({
  method: 'GET',
  url: '/api/collections/posts/records',
  status: 200,
  ms: 0.4321,
  referer: '',
  userAgent: '',
  principal: undefined,
  requestId: 'r1',
  ip: '127.0.0.1',
  remoteIP: '127.0.0.1',
  traceId: undefined,
  ...over,
});
const awkwardRequests = [
  request({}),
  request({ url: '/a/%C3%BC?q="x"\ty\nz', userAgent: 'tab\there\nnl\u0001 \ud800', referer: '/ref\t' }),
  request({ url: `/${'u'.repeat(4000)}`, status: 503, ms: 1234.5678, principal: 'users/8d2k3n1x9q0w7e5' }),
  request({ principal: 'apikey/k1', ip: '10.0.0.7', remoteIP: '::1', traceId: '4bf92f35' }),
  request({ url: '/api/%E0%A4%A', method: 'POST', principal: 'weird\t"name' }),
];
const settingsCases = [
  logsSettingsSection.defaults(),
  { ...logsSettingsSection.defaults(), logIP: false, logAuthId: true },
];

async function storedRows(url: string) {
  const db = new DatabaseSync(url.replace('sqlite://', ''), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM "_logs" ORDER BY "id"').all() as Record<string, string | number>[];
  } finally {
    db.close();
  }
}

describe('request log store', () => {
  for (const [where, options] of [
    ['on this thread', { workerFrom: Number.POSITIVE_INFINITY }],
    ['in the writer thread', { workerFrom: 1 }],
  ] as const)
    test(`entries are stored exactly as queued, ${where}`, async () => {
      const url = logsUrl();
      const store = await open(url, options);
      for (const entry of awkward) store.add(entry);
      await store.flush();
      assert.equal(store.writesInWorker, options.workerFrom === 1);
      assert.equal(store.pending, 0);
      await store.close();
      const rows = await storedRows(url);
      assert.equal(rows.length, awkward.length);
      rows.forEach((row, i) => {
        // a lone surrogate cannot be UTF-8 and becomes U+FFFD, as any SQLite text does
        assert.equal(row.message, awkward[i].message.replace('\ud800', '\ufffd'));
        assert.equal(row.level, awkward[i].level);
        assert.deepEqual(JSON.parse(String(row.data)), awkward[i].data);
        assert.equal(row.created, row.updated);
        assert.match(String(row.created), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
      });
      const ids = rows.map((r) => String(r.id));
      assert.deepEqual([...ids].sort(), ids, 'ids sort in insertion order');
      assert.equal(new Set(ids).size, ids.length);
    });

  for (const [where, options] of [
    ['on this thread', { workerFrom: Number.POSITIVE_INFINITY }],
    ['in the writer thread', { workerFrom: 1 }],
  ] as const)
    test(`a request's data and message are made from its facts as before, ${where}`, async () => {
      const url = logsUrl();
      const store = await open(url, options);
      const queued = settingsCases.flatMap((settings) =>
        awkwardRequests.map((facts) => ({ facts, settings })),
      );
      for (const { facts, settings } of queued)
        store.addRequest(facts.status >= 400 ? 8 : 0, quoteFacts(facts, settings));
      await store.close();
      const rows = await storedRows(url);
      assert.equal(rows.length, queued.length);
      rows.forEach((row, i) => {
        const { facts, settings } = queued[i];
        const sqliteText = (text: string) => text.replace('\ud800', '\ufffd');
        assert.equal(row.message, sqliteText(requestLogMessage(facts.method, facts.url)));
        assert.equal(row.data, requestLogData(facts, settings));
        assert.equal(row.level, facts.status >= 400 ? 8 : 0);
      });
    });

  test('close() writes every entry still queued, with the writer thread busy', async () => {
    const url = logsUrl();
    const store = await open(url, { workerFrom: 100 });
    for (let i = 0; i < 5000; i++) store.add({ level: 0, message: `GET /first/${i}`, data: { i } });
    const first = store.flush();
    // queued while the first batch is being written by the thread
    for (let i = 0; i < 3000; i++) store.add({ level: 0, message: `GET /second/${i}`, data: { i } });
    await first;
    assert.ok(store.writesInWorker);
    for (let i = 0; i < 7; i++) store.add({ level: 0, message: `GET /last/${i}`, data: { i } });
    await store.close();
    const rows = await storedRows(url);
    assert.equal(rows.length, 8007);
    assert.equal(rows.at(-1)?.message, 'GET /last/6');
  });

  test('the writer thread ends when the log is quiet, and later entries are still written', async () => {
    const url = logsUrl();
    const store = await open(url, { workerFrom: 10, workerIdleMs: 100 });
    for (let i = 0; i < 50; i++) store.add({ level: 0, message: `GET /busy/${i}`, data: {} });
    await store.flush();
    assert.ok(store.writesInWorker);
    for (let i = 0; i < 40 && store.writesInWorker; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.writesInWorker, false);
    store.add({ level: 0, message: 'GET /quiet', data: {} });
    await store.flush();
    assert.equal(store.writesInWorker, false);
    await store.close();
    const rows = await storedRows(url);
    assert.equal(rows.length, 51);
    assert.equal(rows.at(-1)?.message, 'GET /quiet');
  });

  test('a log database of the earlier rowid layout keeps its entries and moves to the current one', async () => {
    const url = logsUrl();
    const file = url.replace('sqlite://', '');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE "_logs" ("id" TEXT PRIMARY KEY NOT NULL, "level" INTEGER NOT NULL DEFAULT 0,
      "message" TEXT NOT NULL DEFAULT '', "data" JSON NOT NULL DEFAULT '{}', "created" TEXT NOT NULL DEFAULT '',
      "updated" TEXT NOT NULL DEFAULT '');
      CREATE INDEX "_logs_idx_created" ON "_logs" ("created"); CREATE INDEX "_logs_idx_level" ON "_logs" ("level")`);
    const insert = old.prepare('INSERT INTO "_logs" VALUES (?, ?, ?, ?, ?, ?)');
    const created = new Date().toISOString().replace('T', ' ');
    for (let i = 0; i < 300; i++)
      insert.run(`old${String(i).padStart(12, '0')}`, i % 2 ? 8 : 0, `GET /old/${i}`, `{"i":${i}}`, created, created);
    old.close();
    const store = await open(url, {});
    store.add({ level: 0, message: 'GET /new', data: {} });
    const schema = await store.db.all<{ name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_schema WHERE tbl_name = '_logs' AND sql IS NOT NULL ORDER BY type DESC`,
    );
    await store.close();
    assert.deepEqual(
      schema.map((s) => s.name),
      ['_logs', '_logs_idx_created'],
      'the unused level index is gone',
    );
    assert.match(schema[0].sql, /WITHOUT ROWID/);
    const rows = await storedRows(url);
    assert.equal(rows.length, 301);
    const moved = rows.find((r) => r.id === 'old000000000007');
    assert.deepEqual(
      { id: moved?.id, level: moved?.level, message: moved?.message, data: moved?.data, created: moved?.created },
      { id: 'old000000000007', level: 8, message: 'GET /old/7', data: '{"i":7}', created },
    );
  });

  test('a new log database has large pages', async () => {
    const url = logsUrl();
    const store = await open(url, {});
    const page = await store.db.get<{ page_size: number }>('PRAGMA page_size');
    await store.close();
    assert.equal(page?.page_size, 65536);
  });
});
