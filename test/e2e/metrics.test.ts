import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { http, startServer, type TestServer } from '../helpers/server.ts';

/** The value of one sample line (`name{labels} value`) in exposition text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function scrape(url: string): Promise<string> {
  const response = await http(url, 'GET', '/metrics');
  assert.equal(response.status, 200, `scrape failed: ${JSON.stringify(response.body)}`);
  return response.body as string;
}

const RECORDS_ROUTE = '/api/collections/:collection/records';

describe('/metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    await pb.collections.create({
      name: 'posts',
      type: 'base',
      listRule: '',
      createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
  });
  after(() => server.stop());

  test('answers Prometheus text with process, event-loop, HTTP and database metrics', async () => {
    const response = await http(server.url, 'GET', '/metrics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = response.body as string;
    for (const name of [
      'basalt_process_cpu_seconds_total',
      'basalt_nodejs_eventloop_lag_seconds',
      'basalt_http_requests_total',
      'basalt_http_request_duration_seconds_bucket',
      'basalt_db_query_duration_seconds_bucket',
      'basalt_db_write_queue_depth',
      'basalt_db_last_commit_group_size',
    ])
      assert.ok(text.includes(`\n${name}`), `${name} is missing`);
  });

  test('request counters and latency histograms move by route template, method and status', async () => {
    const pb = server.client();
    const labels = { method: 'GET', route: RECORDS_ROUTE, status: '200' };
    const before = await scrape(server.url);
    for (let i = 0; i < 3; i++) await pb.collection('posts').getList(1, 5);
    await assert.rejects(pb.collection('posts').getList(1, 5, { filter: 'nope ~~' }));
    const after = await scrape(server.url);
    const delta = (name: string, l: Record<string, string>) =>
      sample(after, name, l) - sample(before, name, l);
    assert.equal(delta('basalt_http_requests_total', labels), 3);
    assert.equal(delta('basalt_http_request_duration_seconds_count', labels), 3);
    assert.equal(delta('basalt_http_requests_total', { ...labels, status: '400' }), 1);
    assert.ok(
      delta('basalt_db_query_duration_seconds_count', { op: 'all' }) >= 3,
      'database reads are timed',
    );
  });

  test('writes show up as database transactions and commits', async () => {
    const pb = server.client();
    const before = await scrape(server.url);
    await Promise.all([1, 2, 3, 4].map((n) => pb.collection('posts').create({ title: `t${n}` })));
    const after = await scrape(server.url);
    const delta = (name: string, l: Record<string, string> = {}) =>
      sample(after, name, l) - sample(before, name, l);
    assert.ok(delta('basalt_db_query_duration_seconds_count', { op: 'transaction' }) >= 4);
    assert.ok(delta('basalt_db_committed_transactions') >= 4);
    assert.ok(delta('basalt_db_commits') >= 1);
  });

  test('raw URLs never become labels: ids and unknown paths collapse to templates', async () => {
    await http(server.url, 'GET', '/api/collections/posts/records/secretrecordid1');
    await http(server.url, 'GET', '/no/such/path/zzqqxx');
    const text = await scrape(server.url);
    assert.ok(!text.includes('secretrecordid1'));
    assert.ok(!text.includes('zzqqxx'));
    assert.ok(sample(text, 'basalt_http_requests_total', { route: 'unmatched', status: '404' }) >= 1);
    assert.ok(
      sample(text, 'basalt_http_requests_total', {
        route: '/api/collections/:collection/records/:id',
      }) >= 1,
    );
  });

  test('job gauges move when jobs are queued, fail and die', async () => {
    const jobs = server.app.jobs;
    const before = await scrape(server.url);
    await jobs.enqueue('metrics-waiting', { n: 1 });
    await jobs.enqueue('metrics-waiting', { n: 2 });
    const queued = await scrape(server.url);
    assert.equal(
      sample(queued, 'basalt_jobs', { queue: 'metrics-waiting', state: 'queued' }) -
        sample(before, 'basalt_jobs', { queue: 'metrics-waiting', state: 'queued' }),
      2,
    );
    assert.ok(queued.includes('basalt_jobs_lag_seconds{queue="metrics-waiting"}'));
    jobs.handle('metrics-failing', async () => {
      throw new Error('always fails');
    });
    await jobs.enqueue('metrics-failing', {}, { maxAttempts: 1 });
    let dead = 0;
    for (let i = 0; i < 50 && dead === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      dead = sample(await scrape(server.url), 'basalt_jobs', { queue: 'metrics-failing', state: 'dead' });
    }
    assert.equal(dead, 1);
  });

  test('open realtime connections are counted, and counted down when they close', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/realtime`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read(); // PB_CONNECT: the connection is established
    const connected = await scrape(server.url);
    assert.equal(sample(connected, 'basalt_realtime_connections'), 1);
    assert.equal(sample(connected, 'basalt_realtime_clients'), 1, 'the realtime service counts the client too');
    controller.abort();
    await reader.cancel().catch(() => {});
    let open = 1;
    for (let i = 0; i < 30 && open !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      open = sample(await scrape(server.url), 'basalt_realtime_connections');
    }
    assert.equal(open, 0);
    // the scrape itself is the one request in flight
    assert.equal(sample(await scrape(server.url), 'basalt_http_requests_in_flight'), 1);
  });

  test('promtool check metrics passes on the live output', async (t) => {
    const probe = spawnSync('promtool', ['--version']);
    if (probe.error) {
      if (process.env.CI) assert.fail('promtool is missing in CI (apt-get install -y prometheus)');
      return t.skip('promtool not installed (apt-get install prometheus); skipped outside CI');
    }
    const text = await scrape(server.url);
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(result.status, 0, `promtool: ${result.stdout}${result.stderr}`);
  });
});

describe('/metrics access', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ metricsAllow: ['10.0.0.0/8'], metricsToken: 's3cret-scrape-token' });
  });
  after(() => server.stop());

  test('an address outside the allow-list is refused in the PocketBase error shape', async () => {
    const response = await http(server.url, 'GET', '/metrics');
    assert.equal(response.status, 403);
    assert.equal(response.body.status, 403);
    assert.match(response.body.message, /metrics-allow|metrics-token/);
  });

  test('the bearer token opens it from any address; a wrong one does not', async () => {
    const ok = await http(server.url, 'GET', '/metrics', {
      headers: { authorization: 'Bearer s3cret-scrape-token' },
    });
    assert.equal(ok.status, 200);
    assert.ok(String(ok.body).includes('basalt_http_requests_total'));
    const wrong = await http(server.url, 'GET', '/metrics', {
      headers: { authorization: 'Bearer s3cret-scrape-tokeN' },
    });
    assert.equal(wrong.status, 403);
  });
});

describe('metrics turned off', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ metrics: false });
  });
  after(() => server.stop());

  test('/metrics answers 404 and nothing is collected', async () => {
    await http(server.url, 'GET', '/api/health');
    const response = await http(server.url, 'GET', '/metrics');
    assert.equal(response.status, 404);
    assert.match(response.body.message, /turned off/);
    const text = await server.app.observability.metrics.text();
    assert.ok(!text.includes('basalt_http_requests_total'));
    assert.ok(!text.includes('basalt_db_query_duration_seconds'));
  });
});

describe('requests in flight', () => {
  let server: TestServer;
  let url: string;
  let release: () => void = () => {};
  let answered = 0;
  before(async () => {
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server = await startServer({}, (app) =>
      app.routes.get('/api/test/slow', async () => {
        await gate;
        answered++;
        return { ok: true };
      }),
    );
    url = server.url;
  });
  after(async () => {
    release();
    await server.stop();
  });

  const inFlight = async () => sample(await scrape(url), 'basalt_http_requests_in_flight');
  /** polls until the gauge reads `expected` (a closed connection is seen a moment later) */
  async function inFlightBecomes(expected: number): Promise<number> {
    let value = await inFlight();
    for (let i = 0; i < 40 && value !== expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await inFlight();
    }
    return value;
  }

  test('a client that goes away is counted out at once, and not again when its handler ends', async () => {
    const kept = fetch(`${url}/api/test/slow`);
    const goneAway = new AbortController();
    const gone = fetch(`${url}/api/test/slow`, { signal: goneAway.signal }).catch((error) => error);
    // both slow requests and the scrape itself
    assert.equal(await inFlightBecomes(3), 3);
    goneAway.abort();
    assert.ok((await gone) instanceof Error);
    assert.equal(await inFlightBecomes(2), 2, 'the closed connection counts its request out');
    release();
    assert.equal((await kept).status, 200);
    for (let i = 0; i < 40 && answered < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(answered, 2, 'the abandoned handler ran to its end');
    assert.equal(await inFlight(), 1, 'only the scrape is left: nothing counted out twice');
  });

  test('a realtime WebSocket is in flight while it is open, and counted out when it closes', async () => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/basalt/realtime/ws`);
    await new Promise((resolve, reject) => {
      ws.once('message', resolve);
      ws.once('error', reject);
    });
    assert.equal(await inFlightBecomes(2), 2, 'the WebSocket and the scrape');
    ws.close();
    assert.equal(await inFlightBecomes(1), 1, 'the closed WebSocket is counted out');
  });
});
