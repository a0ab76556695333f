/**
 * `node bench/auth.ts`: sign-ins per second (POST auth-with-password, argon2-bound)
 * on the real binary, beside two baselines measured in the same run: the raw argon2id
 * verifications per second this machine does with the same cost settings (the
 * ceiling), and the same server's GET /api/health (HTTP without hashing). Prints the
 * ratios. Flags: --duration S (default 8), --connections N (default 8), --keep.
 */
import { argon2 } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PASSWORD_COST } from '../src/lib/password.ts';
import { api, SUPERUSER, signIn } from './basalt-setup.ts';
import { measure } from './load.ts';
import { pinCpus, runBasaltCli, startBasalt, stopServer } from './servers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '8' },
    connections: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const USER = { email: 'bench-user@example.com', password: 'bench-user-password-1' };

/** Raw argon2id verifications per second with `parallel` in flight (libuv's pool does the work). */
async function rawArgon2PerSecond(seconds: number, parallel: number): Promise<number> {
  const params = { ...PASSWORD_COST, nonce: Buffer.alloc(16, 7), message: USER.password };
  const once = () =>
    new Promise<void>((resolve, reject) => argon2('argon2id', params, (e) => (e ? reject(e) : resolve())));
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < end) {
        await once();
        done++;
      }
    }),
  );
  return done / seconds;
}

const cores = availableParallelism();
const pinned = pinCpus();
const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-auth-'));
await runBasaltCli(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir]);
const server = await startBasalt({ dir, logLevel: 'warn' });
try {
  const token = await signIn(server.url);
  await api(server.url, 'POST', '/api/collections', { name: 'users', type: 'auth', fields: [] }, token);
  await api(
    server.url,
    'POST',
    '/api/collections/users/records',
    { ...USER, passwordConfirm: USER.password },
    token,
  );
  const signInRequest = {
    method: 'POST' as const,
    path: '/api/collections/users/auth-with-password',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: USER.email, password: USER.password }),
  };
  const options = { connections, duration, warmup: 1 };
  const auth = await measure(server.url, [signInRequest], options);
  const health = await measure(server.url, [{ method: 'GET', path: '/api/health' }], options);
  // the server is pinned to one core, but argon2 runs on libuv's pool: give the raw run the same threads
  const raw = await rawArgon2PerSecond(duration, Math.min(4, cores));
  const p = PASSWORD_COST;
  console.log(
    `argon2id cost: memory ${p.memory} KiB, passes ${p.passes}, parallelism ${p.parallelism}, tag ${p.tagLength} bytes`,
  );
  console.log(
    `cores: ${cores}, pinned: ${pinned}, connections: ${connections}, ${duration} s each`,
  );
  console.log(`raw argon2id verify (this process)  ${raw.toFixed(1)} /s`);
  console.log(
    `auth-with-password                  ${auth.requestsPerSecond.toFixed(1)} /s  p50 ${auth.latencyP50Ms} ms  p99 ${auth.latencyP99Ms} ms  failures ${auth.failures}`,
  );
  console.log(`GET /api/health (same server)       ${health.requestsPerSecond.toFixed(1)} /s`);
  console.log(`ratio sign-ins / raw argon2:        ${(auth.requestsPerSecond / raw).toFixed(2)}`);
  console.log(
    `ratio sign-ins / health:            ${(auth.requestsPerSecond / health.requestsPerSecond).toFixed(4)}`,
  );
  if (auth.failures > 0)
    console.log('NOTE: some sign-ins failed (throttling or errors); the figure is not valid.');
} finally {
  await stopServer(server);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
