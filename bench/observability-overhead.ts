/**
 * What observability costs on the hottest request, a record view: Basalt with its
 * defaults (metrics, one JSON log line per request, the stored request log, tracing
 * off) against the same binary with all of it off (`--metrics=false`, `--log-level
 * warn`, request log retention 0), same data, same run, interleaved rounds.
 *
 *   node bench/observability-overhead.ts [--duration S] [--rounds N] [--connections N] [--seed N]
 *
 * Prints requests/s of each side per round and the overhead (target: under 10%).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api, createPostsCollection, SUPERUSER, seedPosts, signIn } from './basalt-setup.ts';
import { combine, type Measurement, measure } from './load.ts';
import { seedId } from './seed-rows.ts';

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    seed: { type: 'string', default: '5000' },
    // to find which part costs what, e.g. --off-flags "--log-level warn" compares logging alone
    'on-flags': { type: 'string', default: '' },
    'off-flags': { type: 'string', default: '--metrics=false --log-level warn' },
  },
});
// load generator on CPU 0, servers on CPU 1 (one under load at a time), as bench/run.ts does
const pinned =
  availableParallelism() >= 2 &&
  spawnSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;
const load = { duration: Number(values.duration), warmup: 1, connections: Number(values.connections) };
const seed = Number(values.seed);

interface Side {
  name: string;
  url: string;
  child: ChildProcess;
  dir: string;
  rounds: Measurement[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'src/main.ts'), ...args], { stdio: 'ignore' });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`basalt ${args[0]} exited ${code}`)),
    ),
  );
}

async function startSide(name: string, flags: string[]): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), `basalt-obs-bench-${name}-`));
  await run(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir]);
  const port = await freePort();
  const args = [join(ROOT, 'src/main.ts'), 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir, ...flags];
  // the log lines go to a file-like sink the kernel discards, as a log shipper would read them
  const [command, argv] = pinned
    ? ['taskset', ['-c', '1', process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const token = await signIn(url);
  await createPostsCollection(url, token);
  await seedPosts(url, token, seed);
  return { name, url, child, dir, rounds: [] };
}

async function stopSide(side: Side): Promise<void> {
  const exited = new Promise((resolve) => side.child.once('exit', resolve));
  side.child.kill('SIGINT');
  await exited;
  rmSync(side.dir, { recursive: true, force: true });
}

const views = Array.from({ length: 200 }, (_, i) => ({
  method: 'GET' as const,
  path: `/api/collections/posts/records/${seedId((i * 7919) % seed)}`,
}));

const cpu = (m: Measurement) => m.cpuMicrosPerRequest?.toFixed(0) ?? '?';
const flags = (text: string | undefined) => (text ?? '').split(' ').filter(Boolean);
const on = await startSide('on', flags(values['on-flags']));
const off = await startSide('off', flags(values['off-flags']));
try {
  await api(off.url, 'PATCH', '/api/settings', { logs: { maxDays: 0 } }, await signIn(off.url));
  console.log(pinned ? 'pinned: load on CPU 0, servers on CPU 1' : 'not pinned (no taskset or one CPU)');
  console.log(
    `view requests, ${load.connections} connections, ${load.duration} s × ${values.rounds} rounds each`,
  );
  for (let round = 1; round <= Number(values.rounds); round++) {
    // alternate which side goes first, so drift in the machine's load hits both
    for (const side of round % 2 ? [on, off] : [off, on]) {
      const m = await measure(side.url, views, { ...load, pid: side.child.pid });
      if (m.failures) throw new Error(`${side.name}: ${m.failures} failed requests`);
      side.rounds.push(m);
    }
    const [a, b] = [on.rounds.at(-1)!, off.rounds.at(-1)!];
    console.log(
      `round ${round}: observability on ${a.requestsPerSecond.toFixed(0)} req/s (${cpu(a)} µs CPU/req), off ${b.requestsPerSecond.toFixed(0)} req/s (${cpu(b)} µs CPU/req)`,
    );
  }
  const [a, b] = [combine(on.rounds), combine(off.rounds)];
  const overhead = 1 - a.requestsPerSecond / b.requestsPerSecond;
  console.log(`\n| side | req/s | server CPU µs/req | p50 ms | p99 ms |\n|---|---|---|---|---|`);
  for (const [name, m] of [
    ['on (defaults)', a],
    ['off (baseline)', b],
  ] as const)
    console.log(
      `| ${name} | ${m.requestsPerSecond.toFixed(0)} | ${cpu(m)} | ${m.latencyP50Ms.toFixed(2)} | ${m.latencyP99Ms.toFixed(2)} |`,
    );
  console.log(
    `\nthroughput ratio on/off: ${(a.requestsPerSecond / b.requestsPerSecond).toFixed(3)}; overhead ${(overhead * 100).toFixed(1)}% (target < 10%) ${overhead < 0.1 ? 'MET' : 'MISSED'}`,
  );
  // CPU per request barely moves when other processes share the machine; req/s does
  if (a.cpuMicrosPerRequest && b.cpuMicrosPerRequest) {
    const cpuOverhead = a.cpuMicrosPerRequest / b.cpuMicrosPerRequest - 1;
    console.log(
      `server CPU per request on/off: ${cpu(a)} / ${cpu(b)} µs; overhead ${(cpuOverhead * 100).toFixed(1)}% (target < 10%) ${cpuOverhead < 0.1 ? 'MET' : 'MISSED'}`,
    );
  }
} finally {
  await Promise.all([stopSide(on), stopSide(off)]);
}
