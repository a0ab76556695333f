/**
 * Jobs throughput: enqueue + complete per second for no-op jobs, Basalt's durable queue
 * (SQLite, in this process) beside BullMQ on the local Redis, measured in the same run
 * with the same job count, concurrency and enqueue pattern. Rounds alternate between
 * the two; the ratio printed is the median of the per-round ratios (target ≥ 1×).
 * Read it knowing the shapes differ: Basalt enqueues in-process into SQLite (WAL,
 * synchronous=normal: a commit survives a process crash, not power loss), BullMQ
 * crosses TCP to Redis for every call (Redis' own persistence settings apply).
 *
 *   node bench/jobs.ts [--jobs 5000] [--concurrency 50] [--rounds 3] [--redis redis://127.0.0.1:6379]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createBasalt } from '../src/app/app.ts';
import { defaultConfig } from '../src/config/index.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
// callers enqueue in waves of this many concurrent enqueues, the same for both queues
const WAVE = 200;

async function enqueueAll(enqueue: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < JOBS; start += WAVE) {
    const wave: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(start + WAVE, JOBS); i++) wave.push(enqueue(i));
    await Promise.all(wave);
  }
}

/** Basalt: a served app with a no-op handler; time from first enqueue to the last completion. */
async function basaltRound(round: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-jobs-'));
  const app = createBasalt({
    config: defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'migrations') }),
    logger: pino({ level: 'silent' }),
  });
  let completed = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((r) => (finish = r));
  const queue = `noop-${round}`;
  app.jobs.handle(
    queue,
    () => {
      // counted when the handler returns; the completion write follows, checked below
      if (++completed === JOBS) finish();
    },
    { concurrency: CONCURRENCY },
  );
  await app.serve();
  const started = performance.now();
  await enqueueAll((i) => app.jobs.enqueue(queue, { i }));
  await allDone;
  // wait for the last completion writes to commit, so "complete" means durable
  for (;;) {
    const { totalItems } = await app.jobs.list({ state: 'done', queue, perPage: 1 });
    if (totalItems === JOBS) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  return JOBS / seconds;
}

/** BullMQ: Queue + Worker on Redis, the same pattern; time to the last `completed` event. */
async function bullmqRound(round: number): Promise<number> {
  const { Queue, Worker } = await import('bullmq');
  const url = new URL(values.redis as string);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const name = `basalt-bench-${process.pid}-${round}`;
  const queue = new Queue(name, { connection });
  await queue.obliterate({ force: true }).catch(() => {});
  let completed = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((r) => (finish = r));
  const worker = new Worker(name, async () => {}, { connection, concurrency: CONCURRENCY, autorun: true });
  worker.on('completed', () => {
    if (++completed === JOBS) finish();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  await enqueueAll((i) => queue.add('noop', { i }, { removeOnComplete: false }));
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return JOBS / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `jobs bench: ${JOBS} no-op jobs per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, enqueue waves of ${WAVE}`,
);
console.log(`basalt: in-process SQLite (WAL, synchronous=normal); bullmq: Redis over TCP at ${values.redis}`);
const ratios: number[] = [];
const basaltRates: number[] = [];
const bullRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // alternate which runs first so machine noise does not favour one side
  const order = round % 2 === 0 ? ['basalt', 'bullmq'] : ['bullmq', 'basalt'];
  const rates: Record<string, number> = {};
  for (const which of order)
    rates[which] = which === 'basalt' ? await basaltRound(round) : await bullmqRound(round);
  basaltRates.push(rates.basalt);
  bullRates.push(rates.bullmq);
  ratios.push(rates.basalt / rates.bullmq);
  console.log(
    `round ${round + 1}: basalt ${rates.basalt.toFixed(0)} jobs/s   bullmq ${rates.bullmq.toFixed(0)} jobs/s   ratio ${(rates.basalt / rates.bullmq).toFixed(2)}×`,
  );
}
const ratio = median(ratios);
console.log(
  `median: basalt ${median(basaltRates).toFixed(0)} jobs/s, bullmq ${median(bullRates).toFixed(0)} jobs/s, ratio ${ratio.toFixed(2)}× (target ≥ 1.00×) ${ratio >= 1 ? 'OK' : 'BELOW TARGET'}`,
);
process.exit(0);
