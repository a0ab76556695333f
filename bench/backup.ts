/**
 * Backup and restore of ~1 GB (database + stored files), each step in its own process so
 * its peak RSS is its own, beside a plain copy of the same files in the same run.
 *
 *   node bench/backup.ts                 # 1024 MB: 70% database rows, 30% stored files
 *   node bench/backup.ts --mb 256        # a smaller run
 *   node bench/backup.ts --keep          # keep the data dir for a look afterwards
 *
 * Half of every row and file is random bytes (does not compress), half text (compresses),
 * so the compressor works about as hard as on real data. Printed: seconds, MB/s, peak RSS per step,
 * and backup MB/s as a ratio of the plain copy's.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/index.ts';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: process.env.BENCH_BACKUP_MB ?? '1024' },
    keep: { type: 'boolean', default: false },
    phase: { type: 'string' },
    dir: { type: 'string' },
  },
});

/** A 64 KiB payload: half random, half repetitive text. */
function payload(i: number): Buffer {
  return Buffer.concat([
    randomBytes(32 * 1024),
    Buffer.from(`row ${i} `.repeat(4096)).subarray(0, 32 * 1024),
  ]);
}

async function seed(dir: string, totalMb: number): Promise<number> {
  const db = await openDb(`sqlite://${join(dir, 'data.db')}`);
  await db.exec('CREATE TABLE IF NOT EXISTS bench_blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const rows = Math.round((totalMb * 0.7 * 1024) / 64);
  for (let start = 0; start < rows; start += 500) {
    await db.transaction(async (tx) => {
      for (let i = start; i < Math.min(rows, start + 500); i++)
        await tx.run('INSERT INTO bench_blobs (body) VALUES (?)', [payload(i)]);
    });
    process.stderr.write(`\rseeding database: ${Math.min(100, Math.round(((start + 500) / rows) * 100))}%   `);
  }
  await db.close();
  const storage = join(dir, 'storage', 'pbc_bench');
  const files = Math.round((totalMb * 0.3 * 1024) / 256);
  for (let i = 0; i < files; i++) {
    const folder = join(storage, `r${Math.floor(i / 4)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `f${i}.bin`),
      Buffer.concat([payload(i), payload(i + 1), payload(i + 2), payload(i + 3)]),
    );
  }
  process.stderr.write('\n');
  return treeBytes(dir);
}

function treeBytes(root: string): number {
  let total = 0;
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

/** Runs one step in a child process; answers its wall time and peak RSS. */
function step(name: string, args: string[]): { seconds: number; rssMb: number; output: string } {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`${name} failed (${child.status}):\n${child.stderr}`);
  const rss = /PEAK_RSS_MB=(\d+)/.exec(child.stderr)?.[1];
  return { seconds, rssMb: Number(rss ?? 0), output: child.stdout };
}

/** Child mode: run the CLI in this process and print our peak RSS at exit. */
async function phase(): Promise<void> {
  process.on('exit', () =>
    process.stderr.write(`\nPEAK_RSS_MB=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`),
  );
  if (values.phase === 'copy') {
    const dir = values.dir!;
    const t0 = performance.now();
    cpSync(join(dir, 'data.db'), join(dir, 'copy', 'data.db'));
    cpSync(join(dir, 'storage'), join(dir, 'copy', 'storage'), { recursive: true });
    process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000 }));
    return;
  }
  const { runCli } = await import('../src/cli/index.ts');
  const argv = values.phase!.split(' ').concat(['--dir', values.dir!, '--log-level', 'warn', '--json']);
  process.exitCode = await runCli(argv, { stderr: { write: () => true } });
}

async function main(): Promise<void> {
  const mb = Number(values.mb);
  const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-backup-'));
  try {
    console.log(`Seeding ~${mb} MB (70% database rows, 30% stored files) in ${dir}`);
    const bytes = await seed(dir, mb);
    const size = bytes / 1024 / 1024;
    const self = new URL(import.meta.url).pathname;
    const run = (name: string, phaseArgs: string) => step(name, [self, '--phase', phaseArgs, '--dir', dir]);
    const copy = run('copy', 'copy');
    rmSync(join(dir, 'copy'), { recursive: true, force: true });
    const create = run('create', 'backup create bench.tar.zst');
    const archiveMb = statSync(join(dir, 'backups', 'bench.tar.zst')).size / 1024 / 1024;
    const verify = run('verify', 'backup verify bench.tar.zst');
    const restore = run('restore', 'backup restore bench.tar.zst');
    const row = (name: string, r: { seconds: number; rssMb: number }) =>
      console.log(
        `${name.padEnd(22)} ${r.seconds.toFixed(1).padStart(7)} s  ${(size / r.seconds).toFixed(1).padStart(7)} MB/s  peak RSS ${String(r.rssMb).padStart(5)} MB`,
      );
    console.log(
      `\ndata: ${size.toFixed(0)} MB → archive ${archiveMb.toFixed(0)} MB (${((archiveMb / size) * 100).toFixed(0)}%)`,
    );
    console.log(
      `node ${process.version}, ${new Date().toISOString()}, load average ${(await import('node:os'))
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}\n`,
    );
    row('plain copy (baseline)', copy);
    row('backup create', create);
    row('backup verify', verify);
    row('backup restore', restore);
    row('round trip (c+r)', {
      seconds: create.seconds + restore.seconds,
      rssMb: Math.max(create.rssMb, restore.rssMb),
    });
    console.log(
      `\nbackup MB/s vs plain copy: ${(copy.seconds / create.seconds).toFixed(2)}× ` +
        '(the backup also snapshots, hashes and compresses; the copy only moves bytes)',
    );
    console.log('Timings include process start (~0.5 s) and, for restore, opening the restored data.');
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (values.phase) await phase();
else await main();
