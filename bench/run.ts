/**
 * `npm run bench`: Basalt against a minimal Fastify + node:sqlite baseline, in one run,
 * on the same machine and data. Both servers run as child processes; autocannon drives
 * them from this process. Prints requests/s, p50/p99 latency, the Basalt/baseline ratio
 * against its target, and Basalt's idle RSS; writes the same as JSON into bench/results/.
 * Run with --help for the flags.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPostsCollection, SUPERUSER, seedPosts, signIn } from './basalt-setup.ts';
import { formatSummary, type ProfileSummary, summariseProfile } from './cpu-profile.ts';
import { combine, type Measurement, measure } from './load.ts';
import { SCENARIOS, type Scenario, type Target } from './scenarios.ts';
import {
  ask,
  type IdleMemory,
  idleRss,
  peakRss,
  pinCpus,
  runBasaltCli,
  type ServerChild,
  startBasalt,
  startBaseline,
  stopServer,
} from './servers.ts';

const HELP = `Usage: npm run bench -- [flags]    (or: node bench/run.ts [flags])

  --duration S       seconds measured per scenario and server (default 10, env BENCH_DURATION)
  --rounds N         split each duration into N interleaved rounds (A B C, C B A, …) so drift in
                     the machine's load hits every server alike (default 4, env BENCH_ROUNDS)
  --warmup S         seconds of untimed load before each measurement (default 2, env BENCH_WARMUP)
  --connections N    concurrent connections (default 50, env BENCH_CONNECTIONS)
  --seed N           records seeded into each server (default 100000, env BENCH_SEED)
  --scenarios LIST   comma-separated subset of view,list,create (default all)
  --no-superuser     skip Basalt's superuser-token variant of view and list
  --no-pin           don't pin the load generator to CPU 0 and the servers to CPU 1 (taskset)
  --quick            a smoke run: 4 s measured, 1 s warm-up, 20000 records
  --profile          CPU-profile Basalt during its first round of each scenario; print the hot spots
  --log-level LEVEL  Basalt's --log-level (default: Basalt's own default, info)
  --strict           exit 1 when a target is missed
  --keep             keep the temporary data directories
`;

const MEMORY_TARGET_MB = 100;
const RESULTS = fileURLToPath(new URL('results/', import.meta.url));

interface Row {
  scenario: Scenario['name'];
  server: 'baseline' | 'basalt (guest)' | 'basalt (superuser)';
  measurement: Measurement;
  /** median of the per-round ratios to the baseline: what the target is checked against */
  ratio?: number;
  roundRatios?: number[];
  /** total requests/s over the baseline's, for reference */
  throughputRatio?: number;
  target?: number;
  profile?: { file: string; summary: ProfileSummary };
}

const options = readOptions();
const root = mkdtempSync(join(tmpdir(), 'basalt-bench-'));
const servers: ServerChild[] = [];
let stopping: Promise<void> | undefined;
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

try {
  await main();
} finally {
  await shutdown();
}

async function main(): Promise<void> {
  const started = performance.now();
  const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  log(
    `Basalt vs baseline: ${options.seed} records, ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s per run; data in ${root}`,
  );

  const pinned = options.pin && pinCpus();
  if (options.pin && !pinned) log('not pinning CPUs: needs taskset and 2 CPUs');
  const baselineDir = mkdirIn(root, 'baseline');
  const basaltDir = mkdirIn(root, 'basalt');
  let t = performance.now();
  const baseline = track(await startBaseline(baselineDir, options.seed));
  log(`baseline seeded and listening (${seconds(t)} s)`);

  await runBasaltCli(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', basaltDir]);
  const basalt = track(await startBasalt({ dir: basaltDir, logLevel: options.logLevel }));
  const token = await signIn(basalt.url);
  await createPostsCollection(basalt.url, token);
  const seedSeconds = await seedPosts(basalt.url, token, options.seed);
  log(
    `basalt seeded ${options.seed} records through /api/batch in ${seedSeconds.toFixed(1)} s (${Math.round(options.seed / seedSeconds)}/s)`,
  );

  const memory = { basalt: await idleMemory(basalt), baseline: await idleMemory(baseline) };
  const loadBefore = loadavg()[0];

  const pids: Record<Row['server'], number | undefined> = {
    baseline: baseline.child.pid,
    'basalt (guest)': basalt.child.pid,
    'basalt (superuser)': basalt.child.pid,
  };
  const targets: Record<Row['server'], Target> = {
    baseline: { kind: 'baseline', url: baseline.url, seeded: options.seed },
    'basalt (guest)': { kind: 'basalt', url: basalt.url, seeded: options.seed },
    'basalt (superuser)': { kind: 'basalt', url: basalt.url, token, seeded: options.seed },
  };
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const measured: Row['server'][] = ['baseline', 'basalt (guest)'];
    if (options.superuser && scenario.name !== 'create') measured.push('basalt (superuser)');
    for (const server of measured) await scenario.check(targets[server]);
    const parts = new Map<Row['server'], Measurement[]>(measured.map((s) => [s, []]));
    const profiles = new Map<Row['server'], Row['profile']>();
    // A B C, then C B A, …: drift in the machine's load (other processes) hits every server alike
    for (let round = 0; round < options.rounds; round++) {
      for (const server of round % 2 === 0 ? measured : [...measured].reverse()) {
        t = performance.now();
        const profiled = options.profile && round === 0 && server !== 'baseline';
        if (profiled) await ask(basalt, { type: 'profile-start' });
        const measurement = await measure(targets[server].url, scenario.requests(targets[server]), {
          connections: options.connections,
          duration: options.duration / options.rounds,
          warmup: round === 0 ? options.warmup : 0,
          pid: pids[server],
        });
        if (profiled) profiles.set(server, await saveProfile(basalt, scenario.name, server));
        parts.get(server)!.push(measurement);
        log(
          `${scenario.name} ${server} round ${round + 1}: ${Math.round(measurement.requestsPerSecond)} req/s (${seconds(t)} s)`,
        );
        if (measurement.failures) {
          throw new Error(
            `${scenario.name} on ${server}: ${measurement.failures} failed requests; see the logs in ${root}`,
          );
        }
      }
    }
    const base = combine(parts.get('baseline')!);
    for (const server of measured) {
      const measurement = combine(parts.get(server)!);
      if (server === 'baseline') rows.push({ scenario: scenario.name, server, measurement });
      else {
        // each round against the baseline's round next to it in time, then the median:
        // a burst of other work on the machine skews one pair, not the result
        const roundRatios = measurement.rounds!.map((rps, i) => rps / base.rounds![i]);
        const row: Row = {
          scenario: scenario.name,
          server,
          measurement,
          ratio: median(roundRatios),
          roundRatios,
          throughputRatio: measurement.requestsPerSecond / base.requestsPerSecond,
          target: scenario.target,
        };
        row.profile = profiles.get(server);
        rows.push(row);
      }
    }
  }

  const peak = peakRss(basalt.child.pid!);
  const load = { before: loadBefore, after: loadavg()[0] };
  const report = { rows, memory, peak, seedSeconds, load, pinned };
  console.log(`\n${formatTable(report)}`);
  for (const row of rows.filter((r) => r.profile)) {
    console.log(
      `\nCPU profile of ${row.server} during ${row.scenario} (${row.profile!.file}):\n${formatSummary(row.profile!.summary)}`,
    );
  }
  const file = writeResults(report);
  console.log(`\nResults: ${file} (total ${seconds(started)} s)`);
  const missed = rows.filter(
    (r) => r.ratio !== undefined && r.server === 'basalt (guest)' && r.ratio < r.target!,
  );
  if (options.strict && (missed.length || memory.basalt.settled.rssBytes / 2 ** 20 >= MEMORY_TARGET_MB))
    process.exitCode = 1;
}

interface Report {
  rows: Row[];
  memory: Record<'basalt' | 'baseline', { afterGc: IdleMemory; settled: IdleMemory }>;
  peak?: number;
  seedSeconds: number;
  /** 1-minute load average when measuring began and ended: above the core count, others shared the CPU */
  load: { before: number; after: number };
  /** load generator on CPU 0, servers on CPU 1 */
  pinned: boolean;
}

function formatTable(report: Report): string {
  const header = [
    'scenario',
    'server',
    'req/s',
    'spread',
    'p50 ms',
    'p99 ms',
    'max ms',
    'cpu µs/req',
    'vs baseline',
    'target',
    '',
  ];
  const lines = report.rows.map((r) => {
    const m = r.measurement;
    const verdict = r.ratio === undefined ? '' : r.ratio >= r.target! ? 'ok' : 'BELOW';
    return [
      r.scenario,
      r.server,
      Math.round(m.requestsPerSecond).toLocaleString('en-US'),
      spread(m.rounds),
      m.latencyP50Ms.toFixed(1),
      String(m.latencyP99Ms),
      String(m.latencyMaxMs),
      m.cpuMicrosPerRequest === undefined ? '' : Math.round(m.cpuMicrosPerRequest).toLocaleString('en-US'),
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
      r.target === undefined ? '' : `>= ${r.target}x`,
      verdict,
    ];
  });
  const rssMb = report.memory.basalt.settled.rssBytes / 2 ** 20;
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const right = new Set([2, 3, 4, 5, 6, 7, 8]);
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    '',
    `basalt idle RSS after seeding + GC: ${rssMb.toFixed(1)} MB (target < ${MEMORY_TARGET_MB} MB) ${rssMb < MEMORY_TARGET_MB ? 'ok' : 'ABOVE'}` +
      (report.peak ? `; peak during the run ${mb(report.peak)} MB` : ''),
    ...(['basalt', 'baseline'] as const).flatMap((name) => [
      `  ${name.padEnd(8)} settled:  ${describeMemory(report.memory[name].settled)}`,
      `  ${name.padEnd(8)} after gc: ${describeMemory(report.memory[name].afterGc)}`,
    ]),
    `basalt seeding via /api/batch: ${report.seedSeconds.toFixed(1)} s`,
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ` +
      `${report.pinned ? 'load generator pinned to CPU 0, servers to CPU 1' : 'not pinned'}; ` +
      `load average ${report.load.before.toFixed(1)} at start, ${report.load.after.toFixed(1)} at end` +
      (busy(report.load) ? ' (BUSY: other work shared the CPU, numbers are noisy)' : ''),
  ].join('\n');
}

function writeResults(report: Report): string {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS, `bench-${stamp}.json`);
  const json = JSON.stringify(
    {
      date: new Date().toISOString(),
      options,
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      memory: { ...report.memory, basaltPeakRssBytes: report.peak, targetMb: MEMORY_TARGET_MB },
      seedSeconds: report.seedSeconds,
      loadAverage: report.load,
      pinned: report.pinned,
      rows: report.rows,
    },
    null,
    2,
  );
  writeFileSync(file, json);
  writeFileSync(join(RESULTS, 'latest.json'), json);
  return file;
}

async function saveProfile(basalt: ServerChild, scenario: string, server: string): Promise<Row['profile']> {
  mkdirSync(RESULTS, { recursive: true });
  const who = server.includes('superuser') ? '-superuser' : '';
  const file = join(RESULTS, `basalt-${scenario}${who}.cpuprofile`);
  await ask(basalt, { type: 'profile-stop', file });
  return { file, summary: summariseProfile(JSON.parse(readFileSync(file, 'utf8')), 15) };
}

function readOptions() {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      duration: { type: 'string', default: process.env.BENCH_DURATION },
      warmup: { type: 'string', default: process.env.BENCH_WARMUP },
      rounds: { type: 'string', default: process.env.BENCH_ROUNDS },
      connections: { type: 'string', default: process.env.BENCH_CONNECTIONS },
      seed: { type: 'string', default: process.env.BENCH_SEED },
      scenarios: { type: 'string', default: 'view,list,create' },
      superuser: { type: 'boolean', default: true },
      pin: { type: 'boolean', default: true },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      strict: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (value: string | undefined, fallback: number, name: string) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${value}`);
    return n;
  };
  const scenarios = values.scenarios.split(',').map((s) => s.trim());
  const unknown = scenarios.filter((s) => !SCENARIOS.some((sc) => sc.name === s));
  if (unknown.length)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  return {
    duration: number(values.duration, values.quick ? 4 : 10, 'duration'),
    warmup: number(values.warmup, values.quick ? 1 : 2, 'warmup'),
    connections: number(values.connections, 50, 'connections'),
    rounds: Math.max(1, Math.round(number(values.rounds, values.quick ? 2 : 4, 'rounds'))),
    seed: Math.max(1000, number(values.seed, values.quick ? 20_000 : 100_000, 'seed')),
    scenarios,
    superuser: values.superuser,
    pin: values.pin,
    profile: values.profile,
    logLevel: values['log-level'],
    strict: values.strict,
    keep: values.keep,
  };
}

function track(server: ServerChild): ServerChild {
  servers.push(server);
  return server;
}

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(servers.map((s) => stopServer(s)));
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  })();
  return stopping;
}

function mkdirIn(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  return dir;
}

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** Other work on the machine: load before we start, or more at the end than our own two busy processes. */
function busy(load: { before: number; after: number }): boolean {
  return load.before > 1 || load.after > 3;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How far apart the rounds' throughputs were: (max - min) / mean, as ±%. */
function spread(rounds: number[] | undefined): string {
  if (!rounds || rounds.length < 2) return '';
  const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length;
  return `±${((50 * (Math.max(...rounds) - Math.min(...rounds))) / mean).toFixed(0)}%`;
}

/**
 * Idle memory two ways: right after full GCs (V8 keeps the heap it grew to), and settled
 * (V8 also handing free pages back, as it does by itself a few seconds into idleness).
 */
async function idleMemory(server: ServerChild): Promise<{ afterGc: IdleMemory; settled: IdleMemory }> {
  const afterGc = await idleRss(server, 'regular');
  const settled = await idleRss(server, 'last-resort');
  log(
    `${server.name} idle memory after seeding: ${describeMemory(settled)} (after a regular GC: RSS ${mb(afterGc.rssBytes)} MB)`,
  );
  return { afterGc, settled };
}

function describeMemory(m: IdleMemory): string {
  const parts =
    m.anonBytes === undefined
      ? ''
      : ` = ${mb(m.anonBytes)} private + ${mb(m.fileBytes!)} file + ${mb(m.shmemBytes!)} shared`;
  return `RSS ${mb(m.rssBytes)} MB${parts}; V8 heap ${mb(m.heapUsedBytes)} used of ${mb(m.heapTotalBytes)} MB`;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
