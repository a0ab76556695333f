/**
 * Durability under a crash: a child process commits rows through concurrent transactions
 * and prints every acknowledged id; it is SIGKILLed mid-flight, and every id it printed
 * must be in the reopened database, which must pass integrity_check.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDb } from '../../src/db/index.ts';

const writerScript = fileURLToPath(new URL('./fixtures/sqlite-crash-writer.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'basalt-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `target` ids, kills it, returns the ids it printed. */
function writeThenKill(url: string, sync: string, target: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerScript, url, sync, '64'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line !== 'ready') acked.push(Number(line));
      if (acked.length >= target && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${_code}): ${stderr}`));
      else resolve(acked);
    });
  });
}

for (const sync of ['normal', 'full']) {
  it(`keeps every acknowledged transaction after SIGKILL (sync=${sync})`, async () => {
    const url = `sqlite://${join(root, sync, 'data.db')}`;
    const acked = await writeThenKill(url, sync, 3000);
    assert.ok(acked.length >= 3000);
    const db = await openDb(url);
    try {
      assert.deepEqual(await db.get('PRAGMA integrity_check'), { integrity_check: 'ok' });
      const present = new Set((await db.all<{ id: number }>('SELECT id FROM acked')).map((row) => row.id));
      const missing = acked.filter((id) => !present.has(id));
      assert.deepEqual(missing, [], `${missing.length} acknowledged ids lost`);
      const torn = await db.get<{ n: number }>("SELECT count(*) AS n FROM acked WHERE payload NOT LIKE '%!'");
      assert.equal(torn!.n, 0, 'a transaction was half applied');
    } finally {
      await db.close();
    }
  });
}
