/**
 * Write throughput of the SQLite driver's group commit against the baseline of one
 * engine transaction per write on a plain `DatabaseSync` (same file settings), in the
 * same run, for both sync profiles. Each transaction inserts one row.
 * Usage: node bench/db-group-commit.ts [transactions=20000] [concurrency=64]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDb } from '../src/db/index.ts';

const total = Number(process.argv[2] ?? 20000);
const concurrency = Number(process.argv[3] ?? 64);
const root = mkdtempSync(join(tmpdir(), 'basalt-bench-'));
const TABLE = 'CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)';
const body = 'x'.repeat(100);

/** One BEGIN IMMEDIATE … COMMIT per write, on one connection: what a naive app does. */
function baseline(sync: 'normal' | 'full', n: number): number {
  const db = new DatabaseSync(join(root, `baseline-${sync}.db`));
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync.toUpperCase()}; ${TABLE}`);
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    db.exec('BEGIN IMMEDIATE');
    insert.run(body);
    db.exec('COMMIT');
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return n / seconds;
}

/** `concurrency` async writers, each awaiting its own transaction, through the driver. */
async function grouped(sync: 'normal' | 'full', n: number): Promise<{ rate: number; perCommit: number }> {
  const db = await openDb(`sqlite://${join(root, `grouped-${sync}.db`)}`, { sync });
  await db.exec(TABLE);
  const before = db.stats();
  let left = n;
  const writer = async () => {
    while (left-- > 0) await db.transaction((tx) => tx.run('INSERT INTO t (body) VALUES (?)', [body]));
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, writer));
  const seconds = (performance.now() - started) / 1000;
  const after = db.stats();
  await db.close();
  const commits = after.commits - before.commits;
  return {
    rate: n / seconds,
    perCommit: (after.committedTransactions - before.committedTransactions) / commits,
  };
}

try {
  console.log(`${total} one-row transactions, ${concurrency} concurrent writers for the driver`);
  for (const sync of ['normal', 'full'] as const) {
    // 'full' fsyncs every baseline commit: run fewer so the bench stays short
    const baselineRate = baseline(sync, sync === 'full' ? Math.min(total, 2000) : total);
    const { rate, perCommit } = await grouped(sync, total);
    console.log(
      `sync=${sync.padEnd(6)} baseline ${Math.round(baselineRate).toString().padStart(7)} tx/s | ` +
        `group commit ${Math.round(rate).toString().padStart(7)} tx/s (${perCommit.toFixed(1)} tx/commit) | ` +
        `ratio ${(rate / baselineRate).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
