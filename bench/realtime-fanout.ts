/**
 * Realtime fan-out: N raw SSE subscribers (default 2,000) on one Basalt node, each
 * subscribed to `posts/*` over the PocketBase protocol; a writer creates records
 * through the API and every subscriber times the event's arrival. Printed beside a
 * minimal hand-written node:http SSE broadcaster measured in the same run:
 * write→delivery p50/p99, delivered messages per second, memory per idle connection.
 *
 * The load generator runs on CPU 0 and both servers on CPU 1 (with taskset; `--no-pin`
 * to share), so the servers' figures are less at the mercy of other work on the machine.
 *
 *   node bench/realtime-fanout.ts [--clients 2000] [--writes 40] [--burst 200] [--no-pin] [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, SUPERUSER, signIn } from './basalt-setup.ts';
import { idleRss, pinCpus, runBasaltCli, type ServerChild, startBasalt, stopServer } from './servers.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const CLIENTS = arg('clients', 2000);
const WRITES = arg('writes', 40);
const BURST = arg('burst', 200);

/** One subscriber: a raw HTTP/1.1 SSE stream that notes when each marker `m:<n>:` arrives. */
interface Subscriber {
  clientId: string;
  arrivals: Map<number, number>;
  close(): void;
}

function subscribe(base: string, onArrival: () => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/realtime`, { agent: false }, (res) => {
      const sub: Subscriber = { clientId: '', arrivals: new Map(), close: () => res.destroy() };
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = tail + chunk;
        const now = performance.now();
        if (!sub.clientId) {
          const id = /"clientId":"(\w+)"/.exec(text);
          if (id) {
            sub.clientId = id[1];
            resolve(sub);
          }
        }
        for (const m of text.matchAll(/m:(\d+):/g)) {
          if (!sub.arrivals.has(Number(m[1]))) {
            sub.arrivals.set(Number(m[1]), now);
            onArrival();
          }
        }
        tail = text.slice(-16);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
  kbPerConnection: number;
}

/** Opens the subscribers, then times single writes (latency) and a burst (throughput). */
async function measure(
  server: ServerChild,
  write: (n: number) => Promise<void>,
  subscribeAll: (subs: Subscriber[]) => Promise<void>,
): Promise<Figures> {
  const before = await idleRss(server, 'last-resort');
  let delivered = 0;
  let wake = () => {};
  const subs: Subscriber[] = [];
  await inBatches(Array.from({ length: CLIENTS }), 100, async () =>
    subs.push(
      await subscribe(server.url, () => {
        delivered++;
        wake();
      }),
    ),
  );
  await subscribeAll(subs);
  const idle = await idleRss(server, 'last-resort');
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 60_000;
    while (delivered < count && Date.now() < deadline)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    if (delivered < count) throw new Error(`${server.name}: only ${delivered}/${count} messages arrived`);
  };
  const latencies: number[] = [];
  for (let n = 0; n < WRITES; n++) {
    const start = performance.now();
    await write(n);
    await waitFor((n + 1) * CLIENTS);
    for (const s of subs) latencies.push(s.arrivals.get(n)! - start);
  }
  const burstStart = performance.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => write(WRITES + i)));
  await waitFor((WRITES + BURST) * CLIENTS);
  const seconds = (performance.now() - burstStart) / 1000;
  for (const s of subs) s.close();
  latencies.sort((a, b) => a - b);
  return {
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    perSecond: (BURST * CLIENTS) / seconds,
    kbPerConnection: (idle.rssBytes - before.rssBytes) / CLIENTS / 1024,
  };
}

async function startBaselineSse(dir: string, pinned: boolean): Promise<ServerChild> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const log = openSync(join(dir, 'baseline.log'), 'a');
  const node = pinned ? ['taskset', '-c', '1', process.execPath] : [process.execPath];
  const child = spawn(
    node[0],
    [
      ...node.slice(1),
      '--expose-gc',
      '--import',
      join(import.meta.dirname, 'server-preload.ts'),
      join(import.meta.dirname, 'realtime-baseline-server.ts'),
      '--port',
      String(port),
    ],
    { stdio: ['ignore', log, log, 'ipc'] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok)
        return { name: 'baseline', url, child, logFile: join(dir, 'baseline.log') };
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the baseline SSE server did not start');
}

const pinned = !process.argv.includes('--no-pin') && pinCpus();
const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-rt-'));
console.log(
  `realtime fan-out: ${CLIENTS} SSE subscribers, ${WRITES} timed writes, a burst of ${BURST} (127.0.0.1 only; ${pinned ? 'load on CPU 0, servers on CPU 1' : 'not pinned'})`,
);
await runBasaltCli(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir]);
const basalt = await startBasalt({ dir, logLevel: 'warn' });
const baseline = await startBaselineSse(dir, pinned);
try {
  const token = await signIn(basalt.url);
  await api(
    basalt.url,
    'POST',
    '/api/collections',
    { name: 'posts', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }] },
    token,
  );
  const b = await measure(
    basalt,
    (n) => api(basalt.url, 'POST', '/api/collections/posts/records', { title: `m:${n}:` }, token),
    (subs) =>
      inBatches(subs, 50, (s) =>
        api(basalt.url, 'POST', '/api/realtime', { clientId: s.clientId, subscriptions: ['posts/*'] }),
      ),
  );
  const base = await measure(
    baseline,
    async (n) =>
      void (await fetch(`${baseline.url}/publish`, {
        method: 'POST',
        body: JSON.stringify({ id: String(n), title: `m:${n}:` }),
      })),
    async () => {},
  );
  const row = (name: string, f: Figures) =>
    `${name.padEnd(10)} p50 ${f.p50.toFixed(1).padStart(7)} ms   p99 ${f.p99.toFixed(1).padStart(7)} ms   ${Math.round(f.perSecond).toString().padStart(8)} msg/s   ${f.kbPerConnection.toFixed(1).padStart(6)} KiB/idle conn`;
  console.log(row('basalt', b));
  console.log(row('baseline', base));
  console.log(
    `ratio      p50 ×${(b.p50 / base.p50).toFixed(2)}   p99 ×${(b.p99 / base.p99).toFixed(2)}   throughput ×${(b.perSecond / base.perSecond).toFixed(2)}   memory ×${(b.kbPerConnection / base.kbPerConnection).toFixed(2)}`,
  );
} finally {
  await stopServer(basalt);
  baseline.child.kill('SIGKILL');
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
