import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import pino from 'pino';
import { createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';

const FIXTURE = new URL('./fixtures/swap-then-die.ts', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'basalt-restore-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

function marker(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return String(db.prepare('SELECT v FROM marker').get()?.v);
  } finally {
    db.close();
  }
}

test('a process killed in the middle of a restore leaves the previous data in place at the next start', async () => {
  const dir = join(root, 'data');
  const config = defaultConfig({ dir, migrationsDir: join(dir, 'migrations') });
  const app = createBasalt({ config, logger: pino({ level: 'silent' }) });
  await app.bootstrap();
  await app.services.db.exec(`CREATE TABLE marker (v TEXT); INSERT INTO marker VALUES ('old')`);
  await app.close();
  mkdirSync(join(dir, 'storage'), { recursive: true });
  writeFileSync(join(dir, 'storage', 'file.txt'), 'old file');

  // a staged restore: the same database with another marker, and another file
  const staging = join(root, 'staging');
  mkdirSync(join(staging, 'storage'), { recursive: true });
  writeFileSync(join(staging, 'data.db'), readFileSync(join(dir, 'data.db')));
  const staged = new DatabaseSync(join(staging, 'data.db'));
  staged.exec(`UPDATE marker SET v = 'new'`);
  staged.close();
  writeFileSync(join(staging, 'storage', 'file.txt'), 'new file');

  const previous = join(dir, '.restore-previous-test');
  const child = spawnSync(process.execPath, [
    FIXTURE,
    staging,
    join(dir, 'data.db'),
    join(dir, 'storage'),
    previous,
  ]);
  assert.equal(child.signal, 'SIGKILL', String(child.stderr));
  assert.equal(marker(join(dir, 'data.db')), 'new', 'the crash happened after the swap');
  assert.ok(existsSync(join(dir, '.restore-journal.json')), 'with the swap journal on disk');

  const again = createBasalt({ config, logger: pino({ level: 'silent' }) });
  await again.bootstrap();
  const row = await again.services.db.get<{ v: string }>('SELECT v FROM marker');
  await again.close();
  assert.equal(row?.v, 'old', 'the unproven restore was rolled back');
  assert.equal(readFileSync(join(dir, 'storage', 'file.txt'), 'utf8'), 'old file');
  assert.ok(!existsSync(previous) && !existsSync(join(dir, '.restore-journal.json')), 'and cleaned up');
});
