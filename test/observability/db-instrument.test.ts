import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DbError, openDb } from '../../src/db/index.ts';
import { instrumentDb } from '../../src/observability/db-instrument.ts';
import { MetricsService } from '../../src/observability/metrics-service.ts';
import { Tracing } from '../../src/observability/tracing.ts';

/** The value of one series in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

test('statements the driver times itself are counted by kind, with their failures, inside transactions too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-db-metrics-'));
  const bare = await openDb(`sqlite://${join(dir, 'data.db')}`);
  const metrics = new MetricsService();
  const db = instrumentDb(bare, metrics, Tracing.off);
  try {
    await db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (name) VALUES (?)', ['a']);
      await tx.get('SELECT name FROM t WHERE id = ?', [1]);
    });
    assert.deepEqual(await db.all('SELECT name FROM t'), [{ name: 'a' }]);
    await assert.rejects(db.get('SELECT nope FROM t'), DbError);
    await assert.rejects(db.run('INSERT INTO t (name) VALUES (NULL)'), DbError);
    // the table still holds exactly the one committed row
    assert.deepEqual(await db.all('SELECT id, name FROM t'), [{ id: 1, name: 'a' }]);

    const text = await metrics.text();
    const count = (op: string) => sample(text, 'basalt_db_query_duration_seconds_count', `op="${op}"`);
    const errors = (op: string) => sample(text, 'basalt_db_errors_total', `op="${op}"`);
    assert.equal(count('get'), 2);
    assert.equal(count('all'), 2);
    assert.equal(count('run'), 3);
    assert.equal(count('transaction'), 1);
    assert.equal(errors('get'), 1);
    assert.equal(errors('run'), 1);
    assert.equal(errors('all'), 0);
    assert.ok(sample(text, 'basalt_db_query_duration_seconds_sum', 'op="get"') > 0);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
