import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { DbError, openDb } from '../../src/db/index.ts';
import { sqliteFilename } from '../../src/db/open-db.ts';

const root = mkdtempSync(join(tmpdir(), 'basalt-open-db-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('sqliteFilename', () => {
  const cases: [string, string][] = [
    ['sqlite://./basalt_data/data.db', resolve('basalt_data/data.db')],
    ['sqlite://basalt_data/data.db', resolve('basalt_data/data.db')],
    ['sqlite:///var/lib/basalt/data.db', '/var/lib/basalt/data.db'],
    ['sqlite:///tmp/with%20space.db?ignored=1', '/tmp/with space.db'],
    ['sqlite::memory:', ':memory:'],
    ['sqlite://:memory:', ':memory:'],
  ];
  for (const [url, expected] of cases) {
    it(`${url} → ${expected}`, () => assert.equal(sqliteFilename(url), expected));
  }
  it('rejects a URL without a file', () => assert.throws(() => sqliteFilename('sqlite://'), /names no file/));
});

describe('openDb', () => {
  it('lists the known schemes for an unknown one', async () => {
    await assert.rejects(
      openDb('mysql://localhost/app'),
      /Unknown database URL .*sqlite:\/\/.*postgres:\/\//,
    );
    await assert.rejects(openDb('./data.db'), /Unknown database URL/);
  });

  it('says PostgreSQL arrives with its driver, without echoing the password', async () => {
    await assert.rejects(openDb('postgres://app:s3cret@db:5432/app'), (err: Error) => {
      assert.match(err.message, /PostgreSQL driver/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  });

  it('creates missing parent folders', async () => {
    const file = join(root, 'a', 'b', 'c', 'data.db');
    const db = await openDb(`sqlite://${file}`);
    await db.close();
    assert.ok(existsSync(file));
  });

  it('names the path when the database cannot be opened', async () => {
    const dir = join(root, 'is-a-folder.db');
    mkdirSync(dir);
    await assert.rejects(openDb(`sqlite://${dir}`), (err: unknown) => {
      assert.ok(err instanceof DbError);
      assert.equal(err.code, 'connection_lost');
      assert.ok(err.message.includes(dir), err.message);
      return true;
    });
    const notDb = join(root, 'not-a-db.db');
    writeFileSync(notDb, 'x'.repeat(4096));
    await assert.rejects(openDb(`sqlite://${notDb}`), (err: Error) => err.message.includes(notDb));
  });

  it('opens a private in-memory database that vanishes on close', async () => {
    const db = await openDb('sqlite::memory:');
    await db.exec('CREATE TABLE t (a INTEGER)');
    await db.run('INSERT INTO t VALUES (?)', [1]);
    assert.deepEqual(await db.all('SELECT a FROM t'), [{ a: 1 }]);
    const file = (db as unknown as { filename: string }).filename;
    assert.ok(existsSync(file));
    await db.close();
    assert.ok(!existsSync(file));
  });
});
