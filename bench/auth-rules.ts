/**
 * `node bench/auth-rules.ts`: what auth costs per request. The same list and view
 * requests run against two collections holding the same rows: one with public rules
 * (`""`, guest requests), one with `owner = @request.auth.id` (requests with a user's
 * token, so the token is verified and the rule compiled into the query), plus the
 * owner collection through an API key. Rounds are interleaved; the ratios are to the
 * public run of the same round. Flags: --duration S (default 4), --rounds N (default 3),
 * --connections N (default 8), --rows N (default 2000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api, SUPERUSER, signIn } from './basalt-setup.ts';
import { combine, type Measurement, measure } from './load.ts';
import { pinCpus, runBasaltCli, startBasalt, stopServer } from './servers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '4' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    rows: { type: 'string', default: '2000' },
  },
});
const [duration, rounds, connections, rows] = [
  values.duration,
  values.rounds,
  values.connections,
  values.rows,
].map(Number);
const USER = { email: 'rules-bench@example.com', password: 'rules-bench-password-1' };
const FIELDS = [
  { name: 'title', type: 'text' },
  { name: 'owner', type: 'text' },
];

async function seed(url: string, admin: string, collection: string, owner: string): Promise<string> {
  let first = '';
  for (let from = 0; from < rows; from += 500) {
    const requests = [];
    for (let i = from; i < Math.min(rows, from + 500); i++)
      requests.push({
        method: 'POST',
        url: `/api/collections/${collection}/records`,
        body: { title: `doc ${i}`, owner },
      });
    const answers = await api<{ body: { id: string } }[]>(url, 'POST', '/api/batch', { requests }, admin);
    first ||= answers[0].body.id;
  }
  return first;
}

const pinned = pinCpus();
const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-rules-'));
await runBasaltCli(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir]);
const server = await startBasalt({ dir, logLevel: 'warn' });
try {
  const url = server.url;
  const admin = await signIn(url);
  await api(
    url,
    'PATCH',
    '/api/settings',
    { batch: { enabled: true, maxRequests: 500, timeout: 60 } },
    admin,
  );
  await api(url, 'POST', '/api/collections', { name: 'members', type: 'auth', fields: [] }, admin);
  const user = await api<{ id: string }>(
    url,
    'POST',
    '/api/collections/members/records',
    { ...USER, passwordConfirm: USER.password },
    admin,
  );
  const { token } = await api<{ token: string }>(url, 'POST', '/api/collections/members/auth-with-password', {
    identity: USER.email,
    password: USER.password,
  });
  const open = { listRule: '', viewRule: '' };
  const owned = { listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id' };
  await api(
    url,
    'POST',
    '/api/collections',
    { name: 'open_docs', type: 'base', fields: FIELDS, ...open },
    admin,
  );
  await api(
    url,
    'POST',
    '/api/collections',
    { name: 'owned_docs', type: 'base', fields: FIELDS, ...owned },
    admin,
  );
  const openId = await seed(url, admin, 'open_docs', user.id);
  const ownedId = await seed(url, admin, 'owned_docs', user.id);
  const key = await api<{ secret: string }>(
    url,
    'POST',
    '/api/basalt/keys',
    { name: 'bench', scopes: [{ collection: 'owned_docs', operations: ['list', 'view'] }] },
    admin,
  );

  const scenarios: Record<string, { path: string; headers?: Record<string, string> }> = {
    'list, public rule, guest': { path: '/api/collections/open_docs/records?perPage=30' },
    'list, owner rule, user token': {
      path: '/api/collections/owned_docs/records?perPage=30',
      headers: { authorization: token },
    },
    'list, owner collection, API key': {
      path: '/api/collections/owned_docs/records?perPage=30',
      headers: { 'x-api-key': key.secret },
    },
    'view, public rule, guest': { path: `/api/collections/open_docs/records/${openId}` },
    'view, owner rule, user token': {
      path: `/api/collections/owned_docs/records/${ownedId}`,
      headers: { authorization: token },
    },
    'view, owner collection, API key': {
      path: `/api/collections/owned_docs/records/${ownedId}`,
      headers: { 'x-api-key': key.secret },
    },
  };
  const parts: Record<string, Measurement[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++)
    for (const [name, s] of Object.entries(scenarios))
      parts[name].push(
        await measure(url, [{ method: 'GET', path: s.path, headers: s.headers }], {
          connections,
          duration,
          warmup: round === 0 ? 1 : 0,
        }),
      );

  console.log(
    `rows per collection: ${rows}, connections: ${connections}, ${rounds} rounds × ${duration} s, pinned: ${pinned}`,
  );
  for (const [name, list] of Object.entries(parts)) {
    const m = combine(list);
    const baseline = combine(
      parts[name.startsWith('list') ? 'list, public rule, guest' : 'view, public rule, guest'],
    );
    const ratio = m.requestsPerSecond / baseline.requestsPerSecond;
    const invalid = m.failures ? `  INVALID: ${m.failures} failures` : '';
    console.log(
      `${name.padEnd(34)} ${m.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${m.latencyP50Ms.toFixed(1).padStart(5)} ms  p99 ${m.latencyP99Ms.toFixed(1).padStart(6)} ms  ×${ratio.toFixed(2)} of public${invalid}`,
    );
  }
} finally {
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
