/**
 * Storage throughput: upload and download MB/s of 1 MB and 100 MB objects through the
 * records API (multipart upload, /api/files download) and the S3 API (presigned PUT
 * and GET), beside a baseline in the same run — a plain node:http server piping the
 * socket to a file and a file to the socket, also with each file flushed (fsync) before
 * the answer, as Basalt does — and Basalt's peak RSS while moving 1 GB (uploaded and
 * downloaded through both APIs). Both servers run in their own processes, Basalt
 * started as users start it (bin/basalt.js, see storage-servers.ts).
 *
 *   node bench/storage.ts               # 3 interleaved rounds of 1 MB ×40 and 100 MB ×3, then 1 GB once
 *   node bench/storage.ts --rounds 5    # more rounds when the machine is noisy
 *   node bench/storage.ts --gb 0        # skip the 1 GB run
 *   node bench/storage.ts --db-sync full   # Basalt flushes every stored file (compare with base+fsync)
 *   node bench/storage.ts --cpu-prof bench/results   # also write Basalt's CPU profile there
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { tempDir } from '../test/helpers/process-server.ts';
import { type BenchBasalt, startBaseline, startBasaltBinary } from './storage-servers.ts';

const { values } = parseArgs({
  options: {
    gb: { type: 'string', default: '1' },
    small: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    // Basalt's durability profile, which stored files follow (normal: no flush, as the baseline)
    'db-sync': { type: 'string', default: 'normal' },
    // e.g. --node-options=--max-semi-space-size=2: V8's young generation is most of the RSS growth under streaming
    'node-options': { type: 'string', default: '' },
    // writes Basalt's V8 CPU profile for the whole run to this folder (summarise with bench/cpu-profile.ts)
    'cpu-prof': { type: 'string' },
  },
});

/** A body of `size` bytes made on the fly (never held whole by the client). */
const body = (size: number) => {
  let left = size;
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  return Readable.toWeb(
    new Readable({
      read() {
        if (left <= 0) return void this.push(null);
        const n = Math.min(left, chunk.length);
        left -= n;
        this.push(chunk.subarray(0, n));
      },
    }),
  ) as ReadableStream;
};

async function drain(response: Response): Promise<number> {
  let n = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

async function timed(bytes: number, times: number, fn: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < times; i++) await fn(i);
  return (bytes * times) / (1 << 20) / ((performance.now() - start) / 1000);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const multipart = (size: number) => {
  const boundary = 'benchboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const stream = Readable.from(
    (async function* () {
      yield head;
      for await (const c of Readable.fromWeb(body(size) as never)) yield c;
      yield tail;
    })(),
  );
  return {
    body: Readable.toWeb(stream) as ReadableStream,
    type: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
  };
};

/** Node options of both servers (the CPU profile is the Basalt server's own). */
const nodeOptions = values['node-options'];
const profileOptions = values['cpu-prof'] ? `--cpu-prof --cpu-prof-dir=${values['cpu-prof']}` : '';

/** Stops Basalt; with a CPU profile, by SIGINT so the profile is written at exit. */
async function stop(server: BenchBasalt): Promise<void> {
  if (values['cpu-prof']) {
    server.child.kill('SIGINT');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 15_000))]);
  }
  server.child.kill('SIGKILL');
  await server.exited;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  console.log(`load average at start: ${load()}`);
  const basaltDir = tempDir('basalt-bench-storage-');
  const baseDir = tempDir('basalt-bench-baseline-');
  const basalt = await startBasaltBinary(
    basaltDir,
    ['--body-limit', '4GiB', '--request-timeout', '0', '--db-sync', values['db-sync']],
    nodeOptions,
    profileOptions,
  );
  const baseline = await startBaseline(baseDir);
  const { token } = basalt;
  const rssAtStart =
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${basalt.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  console.log(`Basalt RSS after start: ${rssAtStart.toFixed(0)} MB`);
  const json = (path: string, init: RequestInit = {}): Promise<any> =>
    fetch(`${basalt.url}${path}`, {
      ...init,
      headers: { authorization: token, 'content-type': 'application/json', ...init.headers },
    }).then((r) => r.json());
  const col = await json('/api/collections', {
    method: 'POST',
    body: JSON.stringify({
      name: 'bench_files',
      type: 'base',
      fields: [{ name: 'f', type: 'file', maxSize: 2 ** 31 }],
    }),
  });
  const key = await json('/api/basalt/s3/keys', { method: 'POST', body: JSON.stringify({ name: 'bench' }) });
  const s3 = new S3Client({
    endpoint: `${basalt.url}/s3`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: key,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));

  const records = {
    async up(size: number, i: number) {
      const m = multipart(size);
      const r = await fetch(`${basalt.url}/api/collections/bench_files/records`, {
        method: 'POST',
        body: m.body,
        duplex: 'half',
        headers: { authorization: token, 'content-type': m.type, 'content-length': String(m.length) },
      } as RequestInit);
      const rec = (await r.json()) as { id: string; f: string };
      if (!rec.f) throw new Error(`upload failed: ${JSON.stringify(rec)}`);
      records.last[size * 1000 + i] = rec;
    },
    async down(size: number, i: number) {
      const rec = records.last[size * 1000 + i];
      const n = await drain(await fetch(`${basalt.url}/api/files/${col.id}/${rec.id}/${rec.f}`));
      if (n !== size) throw new Error(`download got ${n} of ${size} bytes`);
    },
    last: {} as Record<number, { id: string; f: string }>,
  };
  // URLs are presigned before the timed loop: signing is client work, not the server's
  const presigned = new Map<string, string>();
  const presign = async (method: 'GET' | 'PUT', key: string) => {
    const command =
      method === 'PUT'
        ? new PutObjectCommand({ Bucket: 'bench', Key: key })
        : new GetObjectCommand({ Bucket: 'bench', Key: key });
    presigned.set(`${method} ${key}`, await getSignedUrl(s3, command, { expiresIn: 3600 }));
  };
  const s3api = {
    async prepare(size: number, indices: number[]) {
      for (const i of indices) {
        await presign('PUT', `o${size}-${i}`);
        await presign('GET', `o${size}-${i}`);
      }
    },
    async up(size: number, i: number) {
      const r = await fetch(presigned.get(`PUT o${size}-${i}`)!, {
        method: 'PUT',
        body: body(size),
        duplex: 'half',
        headers: { 'content-length': String(size) },
      } as RequestInit);
      if (r.status !== 200) throw new Error(`s3 put ${r.status}: ${await r.text()}`);
    },
    async down(size: number, i: number) {
      const n = await drain(await fetch(presigned.get(`GET o${size}-${i}`)!));
      if (n !== size) throw new Error(`s3 get got ${n} of ${size} bytes`);
    },
  };
  const plain = (fsync: boolean) => ({
    async up(size: number, i: number) {
      await (
        await fetch(`${baseline.url}/${fsync ? 's' : 'o'}${size}-${i}`, {
          method: 'PUT',
          body: body(size),
          duplex: 'half',
          headers: { 'content-length': String(size), 'x-fsync': fsync ? '1' : '0' },
        } as RequestInit)
      ).text();
    },
    async down(size: number, i: number) {
      await drain(await fetch(`${baseline.url}/${fsync ? 's' : 'o'}${size}-${i}`));
    },
  });
  const base = plain(false);

  const sizes = [
    [1 << 20, Number(values.small)],
    [100 << 20, 3],
  ] as const;
  const rounds = Number(values.rounds);
  // `base+fsync` is the baseline flushing each file before it answers, as Basalt does for
  // durability: the share of a gap that is the price of the flush, not of Basalt
  const paths = [
    ['baseline', base],
    ['base+fsync', plain(true)],
    ['records', records],
    ['s3', s3api],
  ] as const;
  console.log(
    `${rounds} interleaved rounds; MB/s and ×baseline are medians over rounds (ratio range in brackets)`,
  );
  console.log('object   path        upload MB/s (×baseline)            download MB/s (×baseline)');
  for (const [size, times] of sizes) {
    const rates = new Map<string, { up: number[]; down: number[] }>(
      paths.map(([name]) => [name, { up: [], down: [] }]),
    );
    for (let round = 0; round < rounds; round++) {
      // alternate the order so a burst of other load hits every path alike
      for (const [name, api] of round % 2 ? [...paths].reverse() : paths) {
        const rate = rates.get(name)!;
        if ('prepare' in api)
          await api.prepare(
            size,
            [...Array(times).keys()].map((i) => round * times + i),
          );
        rate.up.push(await timed(size, times, (i) => api.up(size, round * times + i)));
        rate.down.push(await timed(size, times, (i) => api.down(size, round * times + i)));
      }
    }
    const label = size === 1 << 20 ? '1 MB  ' : '100 MB';
    const b = rates.get('baseline')!;
    for (const [name, rate] of rates) {
      const cell = (mine: number[], theirs: number[]) => {
        const mbs = median(mine).toFixed(0).padStart(6);
        if (name === 'baseline') return `${mbs}${' '.repeat(27)}`;
        const ratios = mine.map((v, i) => v / theirs[i]);
        const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
        return `${mbs} (${median(ratios).toFixed(2)}× [${range}])`.padEnd(33);
      };
      console.log(`${label}   ${name.padEnd(10)}  ${cell(rate.up, b.up)}  ${cell(rate.down, b.down)}`);
    }
  }
  console.log(`Basalt peak RSS so far: ${peakRss(basalt.child.pid!).toFixed(0)} MB`);
  const gb = Number(values.gb);
  if (gb > 0) {
    const size = gb * 1024 * (1 << 20);
    const start = performance.now();
    await s3api.prepare(size, [9]);
    await s3api.up(size, 9);
    await s3api.down(size, 9);
    await records.up(size, 9);
    await records.down(size, 9);
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `moved ${gb} GB up and down through both APIs in ${seconds.toFixed(1)} s; Basalt peak RSS ${peakRss(basalt.child.pid!).toFixed(0)} MB (target < 150 MB)`,
    );
  }
  console.log(`load average at end: ${load()} (above the core count, other work competed: rerun)`);
  s3.destroy();
  baseline.child.kill();
  await stop(basalt);
  rmSync(basaltDir, { recursive: true, force: true });
  rmSync(baseDir, { recursive: true, force: true });
}

await main();
