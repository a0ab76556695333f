import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import PocketBase from 'pocketbase';
import { type BasaltApp, createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/http/logger.ts';
import { SUPERUSER } from '../helpers/server.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

// a real OTLP/HTTP receiver: the exporter POSTs JSON to /v1/traces
const spans: OtlpSpan[] = [];
const paths: string[] = [];
const outbound: string[] = [];
let receiverUrl = '';
let receiver: Server;
let app: BasaltApp;
let url: string;
let dir: string;
const lines: string[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url !== '/v1/traces') {
        outbound.push(String(req.headers.traceparent ?? ''));
        return void res.writeHead(204).end();
      }
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const payload = JSON.parse(body);
      for (const rs of payload.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  receiverUrl = endpoint;
  dir = mkdtempSync(join(tmpdir(), 'basalt-tracing-'));
  const logger = createLogger({
    level: 'info',
    format: 'json',
    // a write may carry several lines (request lines of one event-loop turn are written together)
    destination: { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) },
  });
  const config = defaultConfig({
    http: '127.0.0.1:0',
    dir,
    migrationsDir: join(dir, 'm'),
    otlpEndpoint: endpoint,
  });
  app = createBasalt({ config, logger });
  ({ url } = await app.serve());
  await app.superusers.upsert(SUPERUSER.email, SUPERUSER.password);
});
after(async () => {
  await app.close();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function spansOf(traceId: string, atLeast: number): Promise<OtlpSpan[]> {
  for (let i = 0; i < 50; i++) {
    const found = spans.filter((s) => s.traceId === traceId);
    if (found.length >= atLeast) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return spans.filter((s) => s.traceId === traceId);
}

test('a request becomes a server span with database spans as its children, exported as OTLP JSON', async () => {
  const pb = new PocketBase(url);
  await pb.collection('_superusers').authWithPassword(SUPERUSER.email, SUPERUSER.password);
  await pb.collections.create({
    name: 'things',
    type: 'base',
    listRule: '',
    createRule: '',
    fields: [{ name: 'n', type: 'number' }],
  });
  // a caller's own trace continues through Basalt (W3C traceparent)
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpan = '00f067aa0ba902b7';
  const response = await fetch(`${url}/api/collections/things/records?perPage=3`, {
    headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
  });
  assert.equal(response.status, 200);

  const trace = await spansOf(traceId, 2);
  const server = trace.find((s) => s.kind === 2);
  assert.ok(server, `no server span among ${JSON.stringify(trace.map((s) => s.name))}`);
  assert.equal(server.name, 'GET /api/collections/:collection/records');
  assert.equal(server.parentSpanId, callerSpan);
  const status = server.attributes.find((a) => a.key === 'http.response.status_code');
  assert.equal(Number(status?.value.intValue), 200);
  const db = trace.filter((s) => s.name.startsWith('db.'));
  assert.ok(db.length >= 1, 'database spans are exported');
  for (const span of db)
    assert.equal(span.parentSpanId, server.spanId, `${span.name} is a child of the request`);
  const statement = db[0].attributes.find((a) => a.key === 'db.statement');
  assert.match(String(statement?.value.stringValue), /SELECT/i);
  assert.ok(
    paths.every((p) => p.startsWith('POST /v1/traces application/json')),
    paths.join(),
  );
});

test('statements inside a transaction are children of the transaction span', async () => {
  const response = await fetch(`${url}/api/collections/things/records`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`,
    },
    body: JSON.stringify({ n: 1 }),
  });
  assert.equal(response.status, 200);
  const trace = await spansOf('ab'.repeat(16), 3);
  const tx = trace.find((s) => s.name === 'db.transaction');
  assert.ok(tx, `no transaction span among ${JSON.stringify(trace.map((s) => s.name))}`);
  assert.ok(
    trace.some((s) => s.name === 'db.run' && s.parentSpanId === tx.spanId),
    'the insert is inside the transaction',
  );
});

test('app code can wrap its own work (jobs, storage, outbound calls) in spans of the same trace', async () => {
  const tracing = app.observability.tracing;
  const traceId = await tracing.span('job.run', { 'job.name': 'send-mail' }, async () =>
    tracing.span(
      'http.client',
      { 'url.full': 'https://example.com' },
      async () => tracing.activeTraceId(),
      'client',
    ),
  );
  assert.ok(traceId);
  const trace = await spansOf(traceId, 2);
  const job = trace.find((s) => s.name === 'job.run');
  const outbound = trace.find((s) => s.name === 'http.client');
  assert.ok(job && outbound);
  assert.equal(outbound.parentSpanId, job.spanId);
  assert.equal(outbound.kind, 3);
});

test('request log lines carry the trace id', async () => {
  const traceId = 'ef'.repeat(16);
  await fetch(`${url}/api/health`, { headers: { traceparent: `00-${traceId}-${'12'.repeat(8)}-01` } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  app.logger.flush();
  const line = lines.find((l) => l.includes('"msg":"request"') && l.includes(traceId));
  assert.ok(line, 'the request line has the trace id');
  assert.equal(JSON.parse(line).traceId, traceId);
});

test('outbound calls through tracing.fetch are client spans that pass the trace on', async () => {
  const tracing = app.observability.tracing;
  const traceId = await tracing.span('webhook.deliver', {}, async () => {
    const response = await tracing.fetch(`${receiverUrl}/hook`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 204);
    return tracing.activeTraceId();
  });
  assert.ok(traceId);
  const trace = await spansOf(traceId, 2);
  const client = trace.find((s) => s.name === 'HTTP POST');
  assert.ok(client, `no client span among ${JSON.stringify(trace.map((s) => s.name))}`);
  assert.equal(client.kind, 3);
  // the called service received the trace id and the client span as parent
  assert.equal(outbound.at(-1), `00-${traceId}-${client.spanId}-01`);
});
