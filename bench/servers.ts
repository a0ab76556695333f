/**
 * Starting and stopping the two servers under test as child processes, so the load
 * generator (in the parent) never shares their event loop.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../bin/allocator-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = process.execPath;
/**
 * V8 flags of every Node the bench starts. Node keeps a compile cache per set of V8 flags,
 * so the CLI runs (`superuser upsert`) take the server's flags too: they load nearly every
 * module of the server and so warm its cache, whatever changed since the last run.
 */
const V8_FLAGS = ['--expose-gc'];
const PRELOAD = [...V8_FLAGS, '--import', join(ROOT, 'bench/server-preload.js')];
/**
 * What users run (`npm start`, `npx basalt`): the binary turns Node's compile cache on
 * before the first TypeScript file, so a warm start never loads the type-stripping parser.
 * `node src/main.ts` would load it for the entry file alone (several MB of idle RSS).
 */
const BASALT_BIN = join(ROOT, 'bin/basalt.js');

/**
 * bin/basalt.js starts a user's server with glibc malloc settings (bin/allocator-env.js) by
 * replacing its own process, which it skips when, as here, the parent holds an IPC channel
 * (it would not survive the replacement). So the bench sets them for the same process a
 * user gets, and for the baseline too, so both run on the same allocator. Values in the
 * bench's own environment win.
 */
const SERVER_ENV = { ...ALLOCATOR_ENV, ...process.env };

let serverCpu: number | undefined;

/**
 * Pins this process (the load generator) to CPU 0 and the servers started after this to
 * CPU 1, so each side has one core of its own whatever else runs on the machine; answers
 * false (and pins nothing) without `taskset` or with fewer than 2 CPUs.
 */
export function pinCpus(): boolean {
  if (availableParallelism() < 2) return false;
  const pinned = spawnSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  if (pinned.status !== 0) return false;
  serverCpu = 1;
  return true;
}

export interface ServerChild {
  name: string;
  url: string;
  child: ChildProcess;
  /** the child's combined output, for errors */
  logFile: string;
}

export interface BasaltOptions {
  dir: string;
  logLevel?: string;
}

/** The real binary: `node bin/basalt.js serve`, with a preload that answers the bench (server-preload.js). */
export async function startBasalt(options: BasaltOptions): Promise<ServerChild> {
  const port = await freePort();
  const args = [...PRELOAD, BASALT_BIN, 'serve', '--http', `127.0.0.1:${port}`, '--dir', options.dir];
  if (options.logLevel) args.push('--log-level', options.logLevel);
  return start('basalt', args, `http://127.0.0.1:${port}`, join(options.dir, 'server.log'), '/api/health');
}

/** The Fastify + node:sqlite baseline, seeded with `seed` rows before it listens. */
export async function startBaseline(dir: string, seed: number): Promise<ServerChild> {
  const port = await freePort();
  const args = [
    ...PRELOAD,
    join(ROOT, 'bench/baseline-server.ts'),
    '--port',
    String(port),
    '--db',
    join(dir, 'baseline.db'),
    '--seed',
    String(seed),
  ];
  return start(
    'baseline',
    args,
    `http://127.0.0.1:${port}`,
    join(dir, 'baseline.log'),
    '/api/collections/posts/records?perPage=1',
  );
}

/** Runs a CLI command of the real binary to completion (e.g. `superuser upsert`). */
export async function runBasaltCli(args: string[]): Promise<void> {
  const child = spawn(NODE, [...V8_FLAGS, BASALT_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`basalt ${args.join(' ')} exited with ${code}:\n${output}`);
}

/** Stops a server with SIGINT (graceful: a CPU profile gets written) and waits for it to exit. */
export async function stopServer(server: ServerChild, timeoutMs = 15_000): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Asks the Basalt child's preload (server-preload.js) to do something and answers its reply. */
export async function ask<T>(
  server: ServerChild,
  message: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<T> {
  const { child } = server;
  const reply = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${server.name} did not answer ${message.type}`)),
      timeoutMs,
    );
    child.once('message', (answer: { ok: boolean; reply?: T; error?: string }) => {
      clearTimeout(timer);
      if (answer.ok) resolve(answer.reply as T);
      else reject(new Error(`${server.name} failed ${message.type}: ${answer.error}`));
    });
  });
  child.send(message);
  return reply;
}

export interface IdleMemory {
  /** VmRSS: what the target is about */
  rssBytes: number;
  /** VmRSS's parts: private memory (JS heap, SQLite page cache…), mapped files, shared memory (WAL index) */
  anonBytes?: number;
  fileBytes?: number;
  shmemBytes?: number;
  heapUsedBytes: number;
  /** V8 heap committed: what a regular GC leaves in place */
  heapTotalBytes: number;
  externalBytes: number;
  gc: boolean;
}

/**
 * Full GCs in a server child (via server-preload.js), then its resident set from /proc/PID/status.
 * A `regular` GC frees objects but V8 keeps the heap pages it grew to; `last-resort` also hands
 * them back, as V8's memory reducer does a few seconds into idleness.
 */
export async function idleRss(server: ServerChild, flavor: 'regular' | 'last-resort'): Promise<IdleMemory> {
  const { gc, memory } = await ask<{ gc: boolean; memory: NodeJS.MemoryUsage }>(server, {
    type: 'gc',
    flavor,
  });
  const pid = server.child.pid!;
  return {
    rssBytes: vmRss(pid) ?? memory.rss,
    anonBytes: procStatusKb(pid, 'RssAnon'),
    fileBytes: procStatusKb(pid, 'RssFile'),
    shmemBytes: procStatusKb(pid, 'RssShmem'),
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    gc,
  };
}

/** Peak resident set so far (VmHWM), in bytes, or undefined off Linux. */
export function peakRss(pid: number): number | undefined {
  return procStatusKb(pid, 'VmHWM');
}

/** VmRSS of a process in bytes, from /proc/PID/status (Linux), or undefined elsewhere. */
export function vmRss(pid: number): number | undefined {
  return procStatusKb(pid, 'VmRSS');
}

function procStatusKb(pid: number, key: string): number | undefined {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function start(
  name: string,
  args: string[],
  url: string,
  logFile: string,
  readyPath: string,
): Promise<ServerChild> {
  const log = openSync(logFile, 'a');
  const [command, argv] =
    serverCpu === undefined ? [NODE, args] : ['taskset', ['-c', String(serverCpu), NODE, ...args]];
  const child = spawn(command, argv, { cwd: ROOT, env: SERVER_ENV, stdio: ['ignore', log, log, 'ipc'] });
  const server = { name, url, child, logFile };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}:\n${tail(logFile)}`);
    try {
      if ((await fetch(url + readyPath)).ok) return server;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopServer(server);
  throw new Error(`${name} did not become ready within 120 s; see ${logFile}`);
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
