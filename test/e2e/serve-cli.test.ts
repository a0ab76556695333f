/**
 * `node src/main.ts serve` and `superuser` as a user runs them: a bad config value stops
 * the server before it starts with one line naming the key, the value and what is
 * expected; a superuser made on the command line signs in over HTTP; help lists the env.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBasalt, startProcessServer, tempDir } from '../helpers/process-server.ts';
import { http } from '../helpers/server.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dir(): string {
  const path = tempDir('basalt-cli-');
  dirs.push(path);
  return path;
}

interface BadValue {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  /** basalt.json content */
  file?: string;
  /** all must appear in the one-line error */
  mentions: (string | RegExp)[];
}

const badValues: BadValue[] = [
  { name: '--http abc', args: ['--http', 'abc'], mentions: ['--http', '"abc"', 'host:port'] },
  {
    name: '--http port out of range',
    args: ['--http', '127.0.0.1:99999'],
    mentions: ['--http', '99999', 'host:port'],
  },
  {
    name: 'BASALT_PER_PAGE_MAX=-1',
    env: { BASALT_PER_PAGE_MAX: '-1' },
    mentions: ['BASALT_PER_PAGE_MAX', '"-1"', 'whole number'],
  },
  {
    name: 'BASALT_HTTP=abc',
    env: { BASALT_HTTP: 'abc' },
    mentions: ['BASALT_HTTP', 'environment', '"abc"', 'host:port'],
  },
  { name: '--per-page-max 0', args: ['--per-page-max', '0'], mentions: ['--per-page-max', '"0"', /from 1/] },
  { name: '--body-limit lots', args: ['--body-limit', 'lots'], mentions: ['--body-limit', '"lots"', 'MiB'] },
  {
    name: '--db-sync sometimes',
    args: ['--db-sync', 'sometimes'],
    mentions: ['--db-sync', '"sometimes"', 'normal', 'full'],
  },
  {
    name: 'BASALT_DB_SYNC=off',
    env: { BASALT_DB_SYNC: 'off' },
    mentions: ['BASALT_DB_SYNC', '"off"', 'normal', 'full'],
  },
  {
    name: '--shutdown-timeout forever',
    args: ['--shutdown-timeout', 'forever'],
    mentions: ['--shutdown-timeout', '"forever"', 'duration'],
  },
  { name: '--log-level loud', args: ['--log-level', 'loud'], mentions: ['--log-level', '"loud"', 'warn'] },
  {
    name: 'BASALT_FILTER_MAX_LENGTH=abc',
    env: { BASALT_FILTER_MAX_LENGTH: 'abc' },
    mentions: ['BASALT_FILTER_MAX_LENGTH', '"abc"', 'whole number'],
  },
  {
    name: 'BASALT_EXPAND_MAX_DEPTH=deep',
    env: { BASALT_EXPAND_MAX_DEPTH: 'deep' },
    mentions: ['BASALT_EXPAND_MAX_DEPTH', '"deep"', 'whole number'],
  },
  {
    name: 'unknown database scheme',
    args: ['--database-url', 'mysql://x/y'],
    mentions: ['mysql://x/y', 'sqlite://', 'postgres://'],
  },
  {
    name: 'bad value in basalt.json',
    file: '{"perPageMax": "many"}',
    mentions: ['perPageMax', 'basalt.json', '"many"', 'whole number'],
  },
  { name: 'basalt.json not JSON', file: '{"perPageMax": ', mentions: ['basalt.json', 'not valid JSON'] },
  {
    name: 'unknown key in basalt.json',
    file: '{"perPageMaks": 5}',
    mentions: ['perPageMaks', 'basalt.json', 'perPageMax'],
  },
];

describe('serve with a bad config value', { concurrency: true }, () => {
  for (const bad of badValues) {
    it(bad.name, async () => {
      const data = dir();
      if (bad.file) writeFileSync(join(data, 'basalt.json'), bad.file);
      const { code, stdout, stderr } = await runBasalt(
        [
          'serve',
          '--dir',
          data,
          ...(bad.env?.BASALT_HTTP ? [] : ['--http', '127.0.0.1:0']),
          ...(bad.args ?? []),
        ],
        bad.env,
      );
      assert.notEqual(code, 0, 'serve should refuse to start');
      assert.ok(code !== null, 'serve should exit on its own, not hang');
      assert.doesNotMatch(stdout, /Server started/);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line, no stack:\n${stderr}`);
      assert.match(lines[0], /^Error: /);
      for (const part of bad.mentions) {
        if (typeof part === 'string')
          assert.ok(lines[0].includes(part), `"${part}" missing from: ${lines[0]}`);
        else assert.match(lines[0], part);
      }
      // a config error is found before anything is opened
      assert.ok(!existsSync(join(data, 'data.db')), 'the database was created before the config was checked');
    });
  }
});

describe('serve --help', () => {
  let help: { code: number | null; stdout: string; stderr: string };
  before(async () => {
    help = await runBasalt(['serve', '--help']);
  });

  it('exits 0 and lists an env name and a file key for every option', () => {
    assert.equal(help.code, 0, help.stderr);
    const envs = [...help.stdout.matchAll(/env (BASALT_[A-Z_]+)/g)].map((m) => m[1]);
    for (const name of [
      'BASALT_HTTP',
      'BASALT_DIR',
      'BASALT_CONFIG',
      'BASALT_DATABASE_URL',
      'BASALT_DB_SYNC',
      'BASALT_BODY_LIMIT',
      'BASALT_SHUTDOWN_TIMEOUT',
      'BASALT_PER_PAGE_MAX',
      'BASALT_FILTER_MAX_LENGTH',
      'BASALT_FILTER_MAX_EXPRESSIONS',
      'BASALT_EXPAND_MAX_DEPTH',
      'BASALT_STORAGE_URL',
      'BASALT_CACHE_URL',
      'BASALT_PUBSUB_URL',
    ]) {
      assert.ok(envs.includes(name), `${name} is not in serve --help`);
    }
    assert.equal(new Set(envs).size, envs.length, 'an env name is listed twice');
  });

  it('lists exactly the options a config file accepts', async () => {
    const fileKeys = [...help.stdout.matchAll(/file key (\w+)/g)].map((m) => m[1]).sort();
    const data = dir();
    writeFileSync(join(data, 'basalt.json'), '{"noSuchOption": 1}');
    const { stderr } = await runBasalt(['serve', '--dir', data]);
    const known = /Known options: ([\w, ]+)\./.exec(stderr);
    assert.ok(known, stderr);
    assert.deepEqual(fileKeys, known[1].split(', ').sort());
  });

  it('every env name it lists is read', async () => {
    const envs = [...help.stdout.matchAll(/env (BASALT_[A-Z_]+)/g)].map((m) => m[1]);
    // numbers, sizes, durations and enums refuse garbage, so a refusal naming the env proves it is read
    const typed = envs.filter((name) => /MAX|LIMIT|TIMEOUT|SYNC|LEVEL|FORMAT|HTTP/.test(name));
    assert.ok(typed.length >= 8, typed.join());
    const runs = await Promise.all(
      typed.map((name) => runBasalt(['serve', '--dir', dir()], { [name]: '%garbage%' })),
    );
    typed.forEach((name, i) => {
      assert.notEqual(runs[i].code, 0, name);
      assert.ok(runs[i].stderr.includes(name), `${name} not named in: ${runs[i].stderr}`);
    });
  });
});

describe('superuser upsert, then sign in over HTTP', () => {
  it('signs in with the password set on the command line, and a new upsert replaces it', async () => {
    const data = dir();
    const created = await runBasalt([
      'superuser',
      'upsert',
      'boss@example.com',
      'first-password-1',
      '--dir',
      data,
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created superuser "boss@example\.com"/);

    const server = await startProcessServer(data, { superuser: false });
    try {
      const signIn = (password: string) =>
        http(server.url, 'POST', '/api/collections/_superusers/auth-with-password', {
          body: { identity: 'boss@example.com', password },
        });
      const ok = await signIn('first-password-1');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(typeof ok.body.token, 'string');
      assert.equal(ok.body.record.email, 'boss@example.com');
      const collections = await http(server.url, 'GET', '/api/collections', { token: ok.body.token });
      assert.equal(collections.status, 200, 'the token should act as a superuser');

      const wrong = await signIn('not-the-password');
      assert.equal(wrong.status, 400);
      assert.deepEqual(Object.keys(wrong.body).sort(), ['data', 'message', 'status']);

      // upsert again while the server runs on the same data dir
      const updated = await runBasalt([
        'superuser',
        'upsert',
        'boss@example.com',
        'second-password-2',
        '--dir',
        data,
      ]);
      assert.equal(updated.code, 0, updated.stderr);
      assert.match(updated.stdout, /Updated the password/);
      assert.equal((await signIn('first-password-1')).status, 400);
      assert.equal((await signIn('second-password-2')).status, 200);
    } finally {
      await server.kill();
    }
  });

  it('refuses a bad email or a short password with the field named', async () => {
    const data = dir();
    const badEmail = await runBasalt([
      'superuser',
      'upsert',
      'not-an-email',
      'long-enough-pass',
      '--dir',
      data,
    ]);
    assert.notEqual(badEmail.code, 0);
    assert.match(badEmail.stderr, /email/);
    const short = await runBasalt(['superuser', 'upsert', 'a@example.com', 'short', '--dir', data]);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /password.*8/);
    const missing = await runBasalt(['superuser', 'upsert', 'a@example.com', '--dir', data]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Missing PASSWORD/);
  });
});
