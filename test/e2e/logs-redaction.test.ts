import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BasaltApp, createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/http/logger.ts';
import { http, SUPERUSER } from '../helpers/server.ts';

// every log line the production logger writes, at the most verbose level
const lines: string[] = [];
const secrets = new Map<string, string>();
const secret = (where: string) => {
  const value = `S3CRET${secrets.size}x${Math.random().toString(36).slice(2, 10)}`;
  secrets.set(value, where);
  return value;
};

let app: BasaltApp;
let url: string;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'basalt-redact-'));
  const logger = createLogger({
    level: 'trace',
    format: 'json',
    // a write may carry several lines (request lines of one event-loop turn are written together)
    destination: { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) },
  });
  app = createBasalt({
    config: defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'm') }),
    logger,
  });
  ({ url } = await app.serve());
  await app.superusers.upsert(SUPERUSER.email, SUPERUSER.password);
  secrets.set(SUPERUSER.password, 'superuser password');
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('no secret sent in headers, query or bodies appears in any log line or stored log', async () => {
  const signIn = await http(url, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: SUPERUSER.email, password: SUPERUSER.password },
  });
  assert.equal(signIn.status, 200);
  const token = signIn.body.token as string;
  secrets.set(token, 'superuser token');
  await http(url, 'POST', '/api/collections', {
    token,
    body: {
      name: 'posts',
      type: 'base',
      listRule: '',
      createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    },
  });

  const query = [
    `token=${secret('query token')}`,
    `password=${secret('query password')}`,
    `api_key=${secret('query api_key')}`,
    `access_token=${secret('query access_token')}`,
    `pass%77ord=${secret('query encoded name')}`,
    `TOKEN=${secret('query upper-case name')}`,
  ].join('&');
  const headers = {
    authorization: `Bearer ${secret('authorization header')}`,
    cookie: `pb_auth=${secret('cookie')}`,
    'x-api-key': secret('x-api-key header'),
    referer: `https://app.example.com/cb?code=${secret('referer code')}&state=1`,
  };
  await http(url, 'GET', `/api/collections/posts/records?${query}`, { headers });
  await http(url, 'GET', `/api/collections/posts/records?${query}`, { token });
  await http(url, 'GET', `/no/such/route?secret=${secret('query secret on a 404')}`, { headers });
  await http(url, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: SUPERUSER.email, password: secret('wrong password in body') },
  });
  await http(url, 'POST', '/api/collections/posts/records', {
    headers,
    body: {
      title: 'hello',
      password: secret('body password'),
      passwordConfirm: secret('body passwordConfirm'),
      token: secret('body token'),
      secret: secret('body secret'),
      apiKey: secret('body apiKey'),
    },
  });
  await http(url, 'POST', '/api/collections/posts/records', {
    raw: `{"title":"x","password":"${secret('password in invalid JSON')}"`,
    headers: { 'content-type': 'application/json' },
  });
  await http(url, 'PATCH', '/api/settings', {
    token,
    body: {
      smtp: { enabled: false, host: 'smtp.example.com', port: 587, password: secret('smtp password') },
    },
  });
  await http(url, 'GET', '/api/collections/posts/records', {
    headers: { authorization: `${token}x`, 'proxy-authorization': `Basic ${secret('proxy-authorization')}` },
  });

  await app.observability.requestLogs?.flush();
  const stored = await app.observability.requestLogs!.db.all('SELECT * FROM "_logs"');
  const storedText = stored.map((row) => JSON.stringify(row));

  // the test can fail: requests were logged and stored, with their redacted URLs
  assert.ok(
    lines.some((l) => l.includes('"route":"/api/collections/:collection/records"')),
    'request lines logged',
  );
  assert.ok(stored.length >= 8, `stored ${stored.length} request logs`);
  assert.ok(
    storedText.some((t) => t.includes('token=[redacted]')),
    'stored URLs are kept, redacted',
  );
  assert.ok(
    lines.some((l) => l.includes('token=[redacted]')),
    'logged URLs are kept, redacted',
  );

  for (const [value, where] of secrets) {
    const line = lines.find((l) => l.includes(value));
    assert.equal(line, undefined, `the ${where} leaked into a log line: ${line}`);
    const record = storedText.find((t) => t.includes(value));
    assert.equal(record, undefined, `the ${where} leaked into a stored log: ${record}`);
  }
});

test('each answered request logs one JSON line with its id, caller, route, status and time', async () => {
  const signIn = await http(url, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: SUPERUSER.email, password: SUPERUSER.password },
  });
  const superuserId = signIn.body.record.id as string;
  const answer = await http(url, 'GET', '/api/collections/_superusers/records?perPage=1&token=hidden', {
    token: signIn.body.token,
  });
  assert.equal(answer.status, 200);
  const requestId = answer.headers.get('x-request-id');
  // request lines are written once per turn of the server's event loop
  await new Promise((resolve) => setTimeout(resolve, 20));
  const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.requestId === requestId);
  assert.ok(line, `a request line for ${requestId}`);
  const { time, ms, ...rest } = line;
  assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(typeof ms === 'number' && ms >= 0, `ms ${ms}`);
  assert.deepEqual(rest, {
    level: 30,
    service: 'basalt',
    requestId,
    method: 'GET',
    url: '/api/collections/_superusers/records?perPage=1&token=[redacted]',
    route: '/api/collections/:collection/records',
    status: 200,
    ip: '127.0.0.1',
    principal: `_superusers/${superuserId}`,
    msg: 'request',
  });
  // an unmatched route and a guest leave those fields out rather than printing null
  const missing = await http(url, 'GET', '/api/nowhere');
  await new Promise((resolve) => setTimeout(resolve, 20));
  const miss = lines
    .map((l) => JSON.parse(l))
    .find((l) => l.requestId === missing.headers.get('x-request-id'));
  assert.equal(miss.status, 404);
  assert.equal('route' in miss || 'principal' in miss, false);
});
