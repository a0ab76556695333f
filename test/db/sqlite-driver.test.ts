/** What the SQLite driver does beyond the shared DbDriver contract. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { type SqliteOptions, openSqlite, type SqliteDriver } from '../../src/db/drivers/sqlite.ts';

const root = mkdtempSync(join(tmpdir(), 'basalt-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

async function withDb(body: (db: SqliteDriver) => Promise<void>, options: SqliteOptions = {}): Promise<void> {
  const db = await openSqlite(join(root, `db${++seq}.db`), options);
  try {
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    await body(db);
  } finally {
    await db.close();
  }
}

describe('SQLite driver', () => {
  it('answers rows as plain objects whose columns follow schema changes', async () => {
    await withDb(async (db) => {
      await db.run('INSERT INTO t (id, name) VALUES (1, ?)', ['a']);
      const named = 'SELECT id, name FROM t WHERE id = ?';
      const starred = 'SELECT * FROM t WHERE id = ?';
      const row = await db.get<Record<string, unknown>>(named, [1]);
      assert.deepEqual(row, { id: 1, name: 'a' });
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
      assert.deepEqual(await db.get(starred, [1]), { id: 1, name: 'a' });
      assert.deepEqual(await db.all('SELECT id AS x, name AS x FROM t'), [{ x: 'a' }]);
      // both statements are cached now; a schema change must not leave either on stale names
      await db.exec('ALTER TABLE t RENAME COLUMN name TO title');
      await db.exec('ALTER TABLE t ADD COLUMN views INTEGER NOT NULL DEFAULT 7');
      assert.deepEqual(await db.get(starred, [1]), { id: 1, title: 'a', views: 7 });
      await assert.rejects(db.get(named, [1]), /no such column: name/);
      // a column named __proto__ is a value, never the row's prototype
      const odd = await db.get<Record<string, unknown>>('SELECT 5 AS "__proto__", 6 AS y');
      assert.deepEqual(Object.keys(odd!), ['__proto__', 'y']);
      assert.equal(Object.getPrototypeOf(odd), Object.prototype);
    });
  });

  it('sets WAL, foreign keys, busy timeout and the sync profile', async () => {
    await withDb(async (db) => {
      const pragmas = await db.transaction(async (tx) => ({
        ...(await tx.get('PRAGMA journal_mode')),
        ...(await tx.get('PRAGMA synchronous')),
        ...(await tx.get('PRAGMA foreign_keys')),
        ...(await tx.get('PRAGMA busy_timeout')),
      }));
      assert.deepEqual(pragmas, { journal_mode: 'wal', synchronous: 1, foreign_keys: 1, timeout: 5000 });
    });
    await withDb(
      async (db) => {
        assert.deepEqual(await db.transaction((tx) => tx.get('PRAGMA synchronous')), { synchronous: 2 });
      },
      { sync: 'full' },
    );
  });

  it('lets driver calls inside a transaction join it', async () => {
    await withDb(async (db) => {
      await db.transaction(async () => {
        await db.run('INSERT INTO t (id, name) VALUES (1, ?)', ['a']);
        assert.deepEqual(await db.get('SELECT name FROM t WHERE id = 1'), { name: 'a' });
        await db.exec('CREATE TABLE made_inside (a)');
      });
      assert.deepEqual(await db.all('SELECT name FROM made_inside, t'), []);
    });
  });

  it('does not let readers outside a transaction see it before it commits', async () => {
    await withDb(async (db) => {
      let signalInside!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((resolve) => (signalInside = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const done = db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (id, name) VALUES (1, ?)', ['a']);
        signalInside();
        await gate;
      });
      await inside;
      assert.equal(await db.get('SELECT id FROM t'), undefined);
      release();
      await done;
      assert.deepEqual(await db.get('SELECT id FROM t'), { id: 1 });
    });
  });

  it('rejects a transaction handle used after its transaction ended', async () => {
    await withDb(async (db) => {
      let leaked: { run(sql: string): Promise<unknown> } | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
      });
      await assert.rejects(leaked!.run('DELETE FROM t'), /after its transaction finished/);
    });
  });

  it('fails the whole group when its commit fails, and keeps serving', async () => {
    await withDb(async (db) => {
      await db.exec(
        'CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)',
      );
      const results = await Promise.allSettled([
        db.run('INSERT INTO t (id) VALUES (1)'),
        db.run('INSERT INTO child (parent) VALUES (999)'), // checked only at COMMIT
        db.run('INSERT INTO t (id) VALUES (2)'),
      ]);
      assert.ok(results.every((r) => r.status === 'rejected' && r.reason.code === 'foreign_key_violation'));
      assert.deepEqual(await db.all('SELECT id FROM t'), []);
      await db.run('INSERT INTO t (id) VALUES (3)');
      assert.deepEqual(await db.all('SELECT id FROM t'), [{ id: 3 }]);
    });
  });

  it('reports busy when another process holds the write lock', async () => {
    await withDb(
      async (db) => {
        const other = new DatabaseSync(db.filename);
        other.exec('BEGIN IMMEDIATE');
        try {
          await assert.rejects(db.run('INSERT INTO t (id) VALUES (1)'), { code: 'busy' });
        } finally {
          other.exec('ROLLBACK');
          other.close();
        }
        await db.run('INSERT INTO t (id) VALUES (1)');
      },
      { busyTimeoutMs: 20 },
    );
  });

  it('bounds the size of a commit group', async () => {
    await withDb(
      async (db) => {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => db.run('INSERT INTO t (id) VALUES (?)', [i])),
        );
        const stats = db.stats();
        assert.ok(stats.commits >= 100 / 8, `${stats.commits} commits`);
        assert.ok(stats.lastGroupSize <= 8);
      },
      { groupCommit: { maxGroupSize: 8 } },
    );
  });

  it('warns when a commit group holds the writer too long', async () => {
    const warnings: string[] = [];
    await withDb(
      async (db) => {
        await db.transaction(() => new Promise((resolve) => setTimeout(resolve, 60)));
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /every other write waits/);
      },
      { groupCommit: { slowGroupMs: 20 }, logger: { warn: (m) => warnings.push(m), info() {} } },
    );
  });

  it('refuses writes from inside whileWritesPaused instead of deadlocking', async () => {
    await withDb(async (db) => {
      await assert.rejects(
        db.whileWritesPaused(() => db.run('INSERT INTO t (id) VALUES (1)')),
        /writes are paused/,
      );
    });
  });

  it('keeps working past the statement cache size', async () => {
    await withDb(async (db) => {
      for (let i = 0; i < 600; i++) await db.get(`SELECT ${i} AS n`);
      assert.deepEqual(await db.get('SELECT 1 AS n'), { n: 1 });
    });
  });

  it('takes consistent copies: VACUUM INTO, and a pause between groups', async () => {
    await withDb(async (db) => {
      await db.run('INSERT INTO t (id) VALUES (1)');
      const copy = join(root, `copy${seq}.db`);
      await db.all('VACUUM INTO ?', [copy]);
      assert.ok(existsSync(copy));
      const order: string[] = [];
      const write = db.run('INSERT INTO t (id) VALUES (2)').then(() => order.push('write'));
      const paused = db.whileWritesPaused(async () => {
        order.push('paused');
        return (await db.all('SELECT id FROM t')).length;
      });
      const late = db.run('INSERT INTO t (id) VALUES (3)').then(() => order.push('late'));
      assert.equal(await paused, 2);
      await Promise.all([write, late]);
      assert.deepEqual(order, ['write', 'paused', 'late']);
    });
  });

  it('refuses integers past 2^53 rather than rounding them', async () => {
    await withDb(async (db) => {
      await assert.rejects(db.get('SELECT 9007199254740993 AS x'), { code: 'db_error' });
    });
  });
});
