import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, type ConfigKey, configOptions, loadConfig } from '../../src/config/index.ts';

const cwd = mkdtempSync(join(tmpdir(), 'basalt-values-'));

/** The value of `key` when the environment sets it to `raw`. */
function fromEnv(key: ConfigKey, raw: string): unknown {
  return loadConfig({ flags: {}, env: { [configOptions[key].env]: raw }, cwd })[key];
}

function errorFrom(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail('expected a ConfigError');
}

// [key, raw, parsed] — one row per accepted spelling.
const GOOD: [ConfigKey, string, unknown][] = [
  ['http', '0.0.0.0:80', '0.0.0.0:80'],
  ['http', ':8090', ':8090'],
  ['http', '[::1]:8090', '[::1]:8090'],
  ['http', 'localhost:65535', 'localhost:65535'],
  ['dir', '/srv/basalt', '/srv/basalt'],
  ['dir', 'rel/data', join(cwd, 'rel/data')],
  ['databaseUrl', 'postgres://u:p@db:5432/x', 'postgres://u:p@db:5432/x'],
  ['databaseUrl', 'sqlite::memory:', 'sqlite::memory:'],
  ['cacheUrl', 'redis://127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
  ['storageUrl', 's3://bucket?endpoint=http://127.0.0.1:9000', 's3://bucket?endpoint=http://127.0.0.1:9000'],
  ['pubsubUrl', 'nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
  ['dbSync', 'full', 'full'],
  ['dbSync', 'FULL', 'full'],
  ['dev', 'true', true],
  ['dev', '1', true],
  ['dev', 'yes', true],
  ['dev', 'off', false],
  ['dev', 'False', false],
  ['logLevel', 'trace', 'trace'],
  ['logFormat', 'pretty', 'pretty'],
  ['origins', '*', ['*']],
  ['origins', 'https://a.example, http://localhost:5173', ['https://a.example', 'http://localhost:5173']],
  ['bodyLimit', '32MiB', 32 * 1024 * 1024],
  ['bodyLimit', '512KiB', 512 * 1024],
  ['bodyLimit', '1GiB', 2 ** 30],
  ['bodyLimit', '1MB', 1_000_000],
  ['bodyLimit', '10kb', 10_000],
  ['bodyLimit', '1.5MiB', 1.5 * 2 ** 20],
  ['bodyLimit', '4096', 4096],
  ['requestTimeout', '0', 0],
  ['requestTimeout', '500ms', 500],
  ['requestTimeout', '30s', 30_000],
  ['requestTimeout', '5m', 300_000],
  ['requestTimeout', '1h30m', 5_400_000],
  ['shutdownTimeout', '1.5s', 1500],
  ['filterMaxLength', '1', 1],
  ['filterMaxExpressions', ' 50 ', 50],
  ['expandMaxDepth', '0', 0],
  ['trustedProxies', '10.0.0.0/8,192.168.1.1, fd00::/8', ['10.0.0.0/8', '192.168.1.1', 'fd00::/8']],
  ['trustedProxies', ' ', []],
  ['migrationsDir', '/srv/m', '/srv/m'],
];

describe('values that parse', () => {
  for (const [key, raw, parsed] of GOOD) {
    test(`${key} = ${JSON.stringify(raw)}`, () => assert.deepEqual(fromEnv(key, raw), parsed));
  }
});

// [key, bad raw, what the message expects] — at least one per type.
const BAD: [ConfigKey, string, string][] = [
  ['http', 'abc', 'host:port such as 127.0.0.1:8090'],
  ['http', '127.0.0.1:70000', 'host:port such as 127.0.0.1:8090'],
  ['http', 'http://127.0.0.1:8090', 'host:port such as 127.0.0.1:8090'],
  ['databaseUrl', 'data.db', 'a URL such as sqlite:///srv/basalt/data.db or postgres://user@host:5432/db'],
  ['cacheUrl', '://nothing', 'a URL such as memory:// or redis://host:6379'],
  ['dbSync', 'sometimes', 'one of normal, full'],
  ['logLevel', 'loud', 'one of trace, debug, info, warn, error, fatal, silent'],
  ['logFormat', 'xml', 'one of json, pretty'],
  ['dev', 'maybe', 'true or false'],
  ['bodyLimit', '32 parsecs', 'a size such as 32MiB, 512KiB or 1048576 (bytes)'],
  ['bodyLimit', '-1', 'a size such as 32MiB, 512KiB or 1048576 (bytes)'],
  ['requestTimeout', '30', 'a duration such as 30s, 500ms, 5m or 1h30m'],
  ['requestTimeout', '5 minutes', 'a duration such as 30s, 500ms, 5m or 1h30m'],
  ['filterMaxLength', '3.5', 'a whole number from 1 to 1000000'],
  ['filterMaxLength', '0', 'a whole number from 1 to 1000000'],
  ['expandMaxDepth', '21', 'a whole number from 0 to 20'],
  ['perPageMax', 'many', 'a whole number from 1 to 1000000'],
  ['origins', 'example.com', 'a comma-separated list of origins such as https://app.example.com, or *'],
  [
    'origins',
    'https://a.example/path',
    'a comma-separated list of origins such as https://app.example.com, or *',
  ],
  [
    'trustedProxies',
    '10.0.0.0/33',
    'a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8',
  ],
  [
    'trustedProxies',
    '10.0.0.1,proxy.local',
    'a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8',
  ],
];

describe('bad values name the key, the source, the value and what is expected', () => {
  for (const [key, raw, expected] of BAD) {
    test(`${key} = ${JSON.stringify(raw)}`, () => {
      const error = errorFrom(() => fromEnv(key, raw));
      const env = configOptions[key].env;
      assert.equal(error.message, `Invalid value for ${env} (environment): "${raw}" — expected ${expected}.`);
      assert.equal(error.code, 'invalid_value');
      assert.equal(error.key, key);
      assert.equal(error.source, 'env');
    });
  }

  test('from a flag', () => {
    const error = errorFrom(() => loadConfig({ flags: { 'body-limit': 'huge' }, env: {}, cwd }));
    assert.equal(
      error.message,
      'Invalid value for --body-limit (flag): "huge" — expected a size such as 32MiB, 512KiB or 1048576 (bytes).',
    );
    assert.equal(error.source, 'flag');
  });

  test('a boolean flag given to a string option', () => {
    const error = errorFrom(() => loadConfig({ flags: { http: true }, env: {}, cwd }));
    assert.equal(
      error.message,
      'Invalid value for --http (flag): true — expected host:port such as 127.0.0.1:8090.',
    );
  });

  test('from the config file, with the file path and the JSON value', () => {
    const dir = join(cwd, 'file-case');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'basalt.json'), JSON.stringify({ perPageMax: 0 }));
    const error = errorFrom(() => loadConfig({ flags: { dir }, env: {}, cwd }));
    assert.equal(
      error.message,
      `Invalid value for "perPageMax" in ${join(dir, 'basalt.json')} (config file): 0 — expected a whole number from 1 to 1000000.`,
    );
    assert.equal(error.source, 'file');
  });

  test('a URL password never reaches the message', () => {
    const error = errorFrom(() => fromEnv('databaseUrl', 'postgres://admin:hunter2@db host/x'));
    assert.ok(!error.message.includes('hunter2'), error.message);
    assert.match(error.message, /postgres:\/\/admin:\*\*\*@db host\/x/);
  });

  test('the file must use JSON types that fit: an object is not a list', () => {
    const dir = join(cwd, 'file-list');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'basalt.json'), JSON.stringify({ origins: { a: 1 } }));
    const error = errorFrom(() => loadConfig({ flags: { dir }, env: {}, cwd }));
    assert.match(
      error.message,
      /Invalid value for "origins" .*: \{"a":1\} — expected a comma-separated list/,
    );
  });
});
