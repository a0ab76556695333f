/**
 * Cost of record hooks on the write path: record creates per second through
 * `app.services.records.create` (no HTTP) with no handlers — the baseline, measured in
 * the same run — and with three pass-through before-handlers plus one after-handler.
 * Rounds alternate (A B, B A, …) so drift in the machine's load hits both alike.
 *
 *   node bench/hooks.ts [--rounds 6] [--per-round 4000] [--concurrency 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createBasalt, defaultConfig, superuserContext } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    'per-round': { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '100' },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);
const concurrency = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-hooks-'));
const app = createBasalt({ config: defaultConfig({ dir }), logger: pino({ level: 'silent' }) });
await app.bootstrap();
const { collections, records } = app.services;
const plain = await collections.create({
  name: 'plain',
  type: 'base',
  fields: [{ name: 'title', type: 'text' }],
});
const hooked = await collections.create({
  name: 'hooked',
  type: 'base',
  fields: [{ name: 'title', type: 'text' }],
});
let afterCount = 0;
for (let i = 0; i < 3; i++) app.onRecordCreate('hooked').bindFunc((e) => e.next());
app.onRecordAfterCreateSuccess('hooked').bindFunc(async (e) => {
  afterCount++;
  await e.next();
});

async function round(collection: typeof plain): Promise<number> {
  const ctx = superuserContext();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < perRound) {
      next++;
      await records.create(collection, { title: `t${next}` }, ctx);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return perRound / ((performance.now() - started) / 1000);
}

await round(plain); // warm-up
await round(hooked);
const rates = { plain: [] as number[], hooked: [] as number[] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['plain', 'hooked'] as const) : (['hooked', 'plain'] as const);
  for (const name of order) rates[name].push(await round(name === 'plain' ? plain : hooked));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = rates.plain.map((p, i) => rates.hooked[i] / p);
console.log(`record creates/s, ${rounds} rounds × ${perRound}, ${concurrency} concurrent callers`);
console.log(`  no handlers (baseline)           median ${median(rates.plain).toFixed(0)}/s`);
console.log(`  3 before + 1 after handlers      median ${median(rates.hooked).toFixed(0)}/s`);
console.log(`  ratio hooked/baseline            median ${median(ratios).toFixed(3)} (paired rounds)`);
if (afterCount !== perRound * (rounds + 1)) throw new Error(`after-hook ran ${afterCount} times`);
await app.close();
rmSync(dir, { recursive: true, force: true });
