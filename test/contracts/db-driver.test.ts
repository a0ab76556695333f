/**
 * The DbDriver contract, run over every driver named in BASALT_TEST_DB_DRIVERS
 * (comma-separated, default `sqlite`). A driver this suite does not know, or whose engine
 * is unreachable, fails the run when CI=true and is skipped with a message otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DbDriver, DbError, openDb } from '../../src/db/index.ts';

interface Engine {
  /** a fresh, empty database URL, or a reason the engine is unavailable */
  create(): Promise<{ url: string; cleanup(): void } | string>;
}

const ENGINES: Record<string, Engine> = {
  sqlite: {
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'basalt-contract-'));
      return {
        url: `sqlite://${join(dir, 'data.db')}`,
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
};

const requested = (process.env.BASALT_TEST_DB_DRIVERS ?? 'sqlite')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

for (const name of requested) {
  const engine = ENGINES[name];
  if (!engine) {
    unavailable(
      name,
      `the contract suite has no engine named "${name}" (known: ${Object.keys(ENGINES).join(', ')})`,
    );
  } else {
    describe(`DbDriver contract: ${name}`, () => contract(engine));
  }
}

function unavailable(name: string, reason: string): void {
  if (process.env.CI === 'true') {
    it(`DbDriver contract: ${name}`, () => assert.fail(reason));
  } else {
    it(`DbDriver contract: ${name}`, { skip: reason }, () => {});
  }
}

function contract(engine: Engine): void {
  /** Runs `body` on a fresh database with a table `t(id, name unique)`, then closes it. */
  const withDb = async (body: (db: DbDriver, url: string) => Promise<void>) => {
    const created = await engine.create();
    if (typeof created === 'string') {
      if (process.env.CI === 'true') assert.fail(created);
      return;
    }
    const db = await openDb(created.url);
    try {
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE); CREATE TABLE u (x INTEGER)');
      await body(db, created.url);
    } finally {
      await db.close();
      created.cleanup();
    }
  };
  const insert = (db: DbDriver, id: number, name = `n${id}`) =>
    db.transaction((tx) => tx.run('INSERT INTO t (id, name) VALUES (?, ?)', [id, name]));
  const count = async (db: DbDriver) => (await db.get<{ n: number }>('SELECT count(*) AS n FROM t'))!.n;

  it('reads see a transaction once it has resolved', () =>
    withDb(async (db) => {
      const result = await db.transaction(async (tx) => {
        const { changes } = await tx.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'a']);
        return changes;
      });
      assert.equal(result, 1);
      assert.deepEqual(await db.get('SELECT id, name FROM t WHERE id = ?', [1]), { id: 1, name: 'a' });
      assert.deepEqual(await db.all('SELECT id FROM t'), [{ id: 1 }]);
      assert.equal(await db.get('SELECT id FROM t WHERE id = ?', [2]), undefined);
    }));

  it('binds and returns values of every kind', () =>
    withDb(async (db) => {
      await db.exec('CREATE TABLE v (i INTEGER, r REAL, s TEXT, b BLOB, t INTEGER, f INTEGER, z TEXT)');
      const blob = new Uint8Array([1, 2, 3]);
      await db.run('INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)', [42, 1.5, 'é', blob, true, false, null]);
      const row = await db.get<Record<string, unknown>>('SELECT * FROM v');
      assert.deepEqual(
        { ...row, b: undefined },
        { i: 42, r: 1.5, s: 'é', b: undefined, t: 1, f: 0, z: null },
      );
      assert.deepEqual(new Uint8Array(row!.b as Uint8Array), blob);
      assert.deepEqual(await db.run('UPDATE v SET i = i + 1'), { changes: 1 });
    }));

  it('rolls back a throwing transaction and commits the others of its group', () =>
    withDb(async (db) => {
      const boom = new Error('boom');
      const before = db.stats();
      const results = await Promise.allSettled([
        insert(db, 1),
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t (id, name) VALUES (?, ?)', [2, 'b']);
          throw boom;
        }),
        insert(db, 3),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((results[1] as PromiseRejectedResult).reason, boom);
      assert.deepEqual(await db.all('SELECT id FROM t ORDER BY id'), [{ id: 1 }, { id: 3 }]);
      if (db.capabilities.groupCommit) assert.equal(db.stats().commits - before.commits, 1);
    }));

  it('groups concurrent transactions into fewer commits', async (t) =>
    withDb(async (db) => {
      if (!db.capabilities.groupCommit) return t.skip('no group commit on this engine');
      const before = db.stats();
      const n = 500;
      await Promise.all(Array.from({ length: n }, (_, i) => insert(db, i + 1)));
      const after = db.stats();
      assert.equal(await count(db), n);
      assert.equal(after.committedTransactions - before.committedTransactions, n);
      assert.ok(
        after.commits - before.commits < n / 4,
        `expected grouping, got ${after.commits - before.commits} commits`,
      );
      assert.equal(after.queuedTransactions, 0);
    }));

  it('runs a transaction started inside another as a nested one', () =>
    withDb(async (db) => {
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id, name) VALUES (1, ?)', ['outer']);
        await db.transaction((inner) => inner.run('INSERT INTO t (id, name) VALUES (2, ?)', ['inner']));
        await assert.rejects(
          db.transaction(async (inner) => {
            await inner.run('INSERT INTO t (id, name) VALUES (3, ?)', ['undone']);
            throw new Error('inner fails');
          }),
          /inner fails/,
        );
      });
      assert.deepEqual(await db.all('SELECT id FROM t ORDER BY id'), [{ id: 1 }, { id: 2 }]);

      await assert.rejects(
        db.transaction(async () => {
          await db.transaction((inner) => inner.run('INSERT INTO t (id, name) VALUES (4, ?)', ['x']));
          throw new Error('outer fails');
        }),
        /outer fails/,
      );
      assert.equal(await db.get('SELECT id FROM t WHERE id = 4'), undefined);
    }));

  it('reports engine errors with stable codes', () =>
    withDb(async (db) => {
      await insert(db, 1, 'a');
      await assert.rejects(insert(db, 2, 'a'), (err: unknown) => {
        assert.ok(err instanceof DbError);
        assert.equal(err.code, 'unique_violation');
        assert.ok(err.cause);
        return true;
      });
      await assert.rejects(insert(db, 1, 'b'), { name: 'DbError', code: 'unique_violation' });
      await db.exec('CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t(id))');
      await assert.rejects(db.run('INSERT INTO child (parent) VALUES (?)', [999]), {
        code: 'foreign_key_violation',
      });
      await assert.rejects(db.all('SELEC id FROM t'), { code: 'sql_syntax' });
      await assert.rejects(db.run('INSERT INTO nowhere VALUES (1)'), { code: 'sql_syntax' });
      assert.equal(await count(db), 1);
    }));

  it('close() waits for queued transactions', async () => {
    const created = await engine.create();
    if (typeof created === 'string') return;
    try {
      let db = await openDb(created.url);
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      const pending = Array.from({ length: 300 }, (_, i) =>
        db.transaction(async (tx) => {
          await new Promise((resolve) => setImmediate(resolve));
          return tx.run('INSERT INTO t (id) VALUES (?)', [i]);
        }),
      );
      await db.close();
      const settled = await Promise.allSettled(pending);
      assert.ok(settled.every((r) => r.status === 'fulfilled'));
      db = await openDb(created.url);
      assert.deepEqual(await db.get('SELECT count(*) AS n FROM t'), { n: 300 });
      await db.close();
    } finally {
      created.cleanup();
    }
  });

  it('rejects every call after close, and close is idempotent', async () => {
    const created = await engine.create();
    if (typeof created === 'string') return;
    try {
      const db = await openDb(created.url);
      await db.close();
      await db.close();
      const calls = [
        db.all('SELECT 1'),
        db.get('SELECT 1'),
        db.run('SELECT 1'),
        db.exec('CREATE TABLE x (a)'),
        db.transaction(async () => 1),
      ];
      for (const call of calls) {
        await assert.rejects(call, (err: unknown) => err instanceof DbError && /closed/.test(err.message));
      }
    } finally {
      created.cleanup();
    }
  });
}
