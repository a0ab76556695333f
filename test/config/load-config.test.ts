import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, configOptions, defaultConfig, loadConfig } from '../../src/config/index.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'basalt-config-'));
}

/** A cwd holding `basalt_data/basalt.json` with `file` (when given). */
function workspace(file?: Record<string, unknown>): { cwd: string; dir: string } {
  const cwd = tempDir();
  const dir = join(cwd, 'basalt_data');
  mkdirSync(dir);
  if (file) writeFileSync(join(dir, 'basalt.json'), JSON.stringify(file));
  return { cwd, dir };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('precedence: defaults < file < env < flags', () => {
  const cases = [
    { key: 'http', file: '10.0.0.1:1', env: '10.0.0.2:2', flag: '10.0.0.3:3', parsed: (v: string) => v },
    { key: 'bodyLimit', file: '1KiB', env: '2KiB', flag: '3KiB', parsed: (v: string) => Number(v[0]) * 1024 },
    { key: 'shutdownTimeout', file: '1s', env: '2s', flag: '3s', parsed: (v: string) => Number(v[0]) * 1000 },
    { key: 'perPageMax', file: '11', env: '12', flag: '13', parsed: Number },
  ] as const;
  for (const { key, file, env, flag, parsed } of cases) {
    test(key, () => {
      const option = configOptions[key];
      const { cwd } = workspace({ [key]: file });
      const withDefault = loadConfig({ flags: {}, env: {}, cwd: tempDir() })[key];
      assert.equal(withDefault, defaultConfig()[key]);
      assert.equal(loadConfig({ flags: {}, env: {}, cwd })[key], parsed(file));
      assert.equal(loadConfig({ flags: {}, env: { [option.env]: env }, cwd })[key], parsed(env));
      const all = loadConfig({ flags: { [option.flag]: flag }, env: { [option.env]: env }, cwd });
      assert.equal(all[key], parsed(flag));
    });
  }

  test('the file is reported in config.config, and is null when none was read', () => {
    const { cwd, dir } = workspace({ dev: true });
    assert.equal(loadConfig({ flags: {}, env: {}, cwd }).config, join(dir, 'basalt.json'));
    assert.equal(loadConfig({ flags: {}, env: {}, cwd: tempDir() }).config, null);
  });

  test('flags may be keyed by option key or flag name', () => {
    const cwd = tempDir();
    assert.equal(loadConfig({ flags: { bodyLimit: '1KiB' }, env: {}, cwd }).bodyLimit, 1024);
    assert.equal(loadConfig({ flags: { 'body-limit': '2KiB' }, env: {}, cwd }).bodyLimit, 2048);
  });

  test('an empty environment variable counts as unset', () => {
    const { cwd } = workspace({ http: '10.0.0.1:1' });
    assert.equal(loadConfig({ flags: {}, env: { BASALT_HTTP: '' }, cwd }).http, '10.0.0.1:1');
  });

  test('undefined flags count as unset', () => {
    const config = loadConfig({
      flags: { http: undefined },
      env: { BASALT_HTTP: '1.2.3.4:5' },
      cwd: tempDir(),
    });
    assert.equal(config.http, '1.2.3.4:5');
  });
});

describe('dir and the defaults that follow it', () => {
  test('dir resolves against cwd and dependent defaults follow it', () => {
    const cwd = tempDir();
    const config = loadConfig({ flags: { dir: 'data' }, env: {}, cwd });
    assert.equal(config.dir, join(cwd, 'data'));
    assert.equal(config.databaseUrl, `sqlite://${join(cwd, 'data')}/data.db`);
    assert.equal(config.storageUrl, `file://${join(cwd, 'data')}/storage`);
    assert.equal(config.migrationsDir, join(cwd, 'data', 'migrations'));
  });

  test('the default dir is ./basalt_data under cwd', () => {
    const cwd = tempDir();
    assert.equal(loadConfig({ flags: {}, env: {}, cwd }).dir, join(cwd, 'basalt_data'));
  });

  test('an explicit databaseUrl is kept when dir changes', () => {
    const env = { BASALT_DATABASE_URL: 'postgres://basalt@127.0.0.1:5432/basalt', BASALT_DIR: '/srv/x' };
    const config = loadConfig({ flags: {}, env, cwd: tempDir() });
    assert.equal(config.databaseUrl, 'postgres://basalt@127.0.0.1:5432/basalt');
    assert.equal(config.storageUrl, 'file:///srv/x/storage');
  });

  test('the implicit file is read from the dir chosen by env', () => {
    const cwd = tempDir();
    const dir = join(cwd, 'elsewhere');
    mkdirSync(dir);
    writeFileSync(join(dir, 'basalt.json'), JSON.stringify({ perPageMax: 7 }));
    assert.equal(loadConfig({ flags: {}, env: { BASALT_DIR: dir }, cwd }).perPageMax, 7);
  });

  test('--config names the file, which may set dir relative to its own folder', () => {
    const cwd = tempDir();
    const folder = join(cwd, 'conf');
    mkdirSync(folder);
    writeFileSync(join(folder, 'prod.json'), JSON.stringify({ dir: 'data', logLevel: 'warn' }));
    const config = loadConfig({ flags: { config: 'conf/prod.json' }, env: {}, cwd });
    assert.equal(config.config, join(folder, 'prod.json'));
    assert.equal(config.dir, join(folder, 'data'));
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.databaseUrl, `sqlite://${join(folder, 'data')}/data.db`);
  });

  test('the implicit <dir>/basalt.json may not set dir', () => {
    const { cwd } = workspace({ dir: '/elsewhere' });
    const error = configError(() => loadConfig({ flags: {}, env: {}, cwd }));
    assert.equal(error.key, 'dir');
    assert.match(error.message, /cannot be set in .*basalt\.json/);
    assert.match(error.message, /--config/);
  });

  test('logLevel and logFormat follow dev unless set', () => {
    const cwd = tempDir();
    const dev = loadConfig({ flags: { dev: true }, env: {}, cwd });
    assert.deepEqual([dev.logLevel, dev.logFormat], ['debug', 'pretty']);
    const prod = loadConfig({ flags: {}, env: {}, cwd });
    assert.deepEqual([prod.logLevel, prod.logFormat], ['info', 'json']);
    const set = loadConfig({ flags: { dev: true, 'log-level': 'error' }, env: {}, cwd });
    assert.deepEqual([set.logLevel, set.logFormat], ['error', 'pretty']);
  });
});

describe('config file problems', () => {
  test('an unknown key is an error with a suggestion', () => {
    const { cwd, dir } = workspace({ htp: '1.2.3.4:5' });
    const error = configError(() => loadConfig({ flags: {}, env: {}, cwd }));
    assert.equal(error.code, 'unknown_key');
    assert.equal(error.key, 'htp');
    assert.equal(
      error.message,
      `Unknown option "htp" in ${join(dir, 'basalt.json')} (config file) — did you mean "http"?`,
    );
  });

  test('an unknown key with no close match lists the known options', () => {
    const { cwd } = workspace({ somethingElseEntirely: 1 });
    const error = configError(() => loadConfig({ flags: {}, env: {}, cwd }));
    assert.match(error.message, /Known options: http, dir, databaseUrl/);
  });

  test('a flag name used as a file key suggests the key', () => {
    const { cwd } = workspace({ 'body-limit': '1MiB' });
    assert.match(
      configError(() => loadConfig({ flags: {}, env: {}, cwd })).message,
      /did you mean "bodyLimit"\?/,
    );
  });

  test('"config" cannot be set inside a config file', () => {
    const { cwd } = workspace({ config: '/x.json' });
    assert.equal(configError(() => loadConfig({ flags: {}, env: {}, cwd })).code, 'unknown_key');
  });

  test('invalid JSON', () => {
    const { cwd, dir } = workspace();
    writeFileSync(join(dir, 'basalt.json'), '{"http": ');
    const error = configError(() => loadConfig({ flags: {}, env: {}, cwd }));
    assert.equal(error.code, 'invalid_file');
    assert.match(error.message, /basalt\.json is not valid JSON/);
  });

  test('JSON that is not an object', () => {
    const { cwd } = workspace();
    writeFileSync(join(cwd, 'basalt_data', 'basalt.json'), '["http"]');
    const error = configError(() => loadConfig({ flags: {}, env: {}, cwd }));
    assert.equal(error.code, 'invalid_file');
    assert.match(error.message, /must hold a JSON object/);
  });

  test('a missing --config file', () => {
    const cwd = tempDir();
    const error = configError(() => loadConfig({ flags: {}, env: { BASALT_CONFIG: 'nope.json' }, cwd }));
    assert.equal(error.code, 'unreadable_file');
    assert.match(error.message, new RegExp(`Cannot read config file ${join(cwd, 'nope.json')}`));
  });

  test('JSON-native values: numbers, booleans, arrays', () => {
    const { cwd } = workspace({
      bodyLimit: 2048,
      dev: true,
      origins: ['https://a.example', 'https://b.example'],
    });
    const config = loadConfig({ flags: {}, env: {}, cwd });
    assert.equal(config.bodyLimit, 2048);
    assert.equal(config.dev, true);
    assert.deepEqual(config.origins, ['https://a.example', 'https://b.example']);
  });
});

describe('unknown flags', () => {
  test('a flag outside the schema is a ConfigError with a suggestion', () => {
    const error = configError(() => loadConfig({ flags: { 'log-levl': 'info' }, env: {}, cwd: tempDir() }));
    assert.equal(error.code, 'unknown_key');
    assert.match(error.message, /Unknown option "--log-levl" \(flag\) — did you mean "--log-level"\?/);
  });
});

describe('defaultConfig', () => {
  test('without overrides it matches loadConfig with nothing set, paths aside', () => {
    const cwd = tempDir();
    const loaded = loadConfig({ flags: {}, env: {}, cwd });
    const defaults = defaultConfig();
    assert.deepEqual(Object.keys(defaults), Object.keys(loaded));
    assert.equal(defaults.dir, join(process.cwd(), 'basalt_data'));
    assert.equal(defaults.config, null);
    const pathKeys = ['dir', 'databaseUrl', 'storageUrl', 'migrationsDir', 'hooksDir'];
    for (const key of Object.keys(loaded) as (keyof typeof loaded)[]) {
      if (!pathKeys.includes(key)) assert.deepEqual(defaults[key], loaded[key], key);
    }
  });

  test('typed overrides are validated, and dir-dependent defaults follow dir', () => {
    const config = defaultConfig({ dir: '/srv/basalt', bodyLimit: 10, origins: ['https://a.example'] });
    assert.equal(config.databaseUrl, 'sqlite:///srv/basalt/data.db');
    assert.equal(config.bodyLimit, 10);
    assert.deepEqual(config.origins, ['https://a.example']);
    const error = configError(() => defaultConfig({ perPageMax: -1 }));
    assert.equal(
      error.message,
      'Invalid value for perPageMax (override): -1 — expected a whole number from 1 to 1000000.',
    );
  });

  test('unknown override keys are rejected', () => {
    const overrides = { htp: 'x' } as unknown as Parameters<typeof defaultConfig>[0];
    assert.match(configError(() => defaultConfig(overrides)).message, /did you mean "http"/);
  });
});

describe('the option table', () => {
  test('env names and flags are unique and env names start with BASALT_', () => {
    const options = Object.values(configOptions);
    assert.equal(new Set(options.map((o) => o.env)).size, options.length);
    assert.equal(new Set(options.map((o) => o.flag)).size, options.length);
    for (const option of options) assert.match(option.env, /^BASALT_[A-Z][A-Z0-9_]*$/);
  });

  test("PocketBase's flag names are kept", () => {
    for (const key of ['http', 'dir', 'dev', 'origins', 'migrationsDir'] as const) {
      assert.equal(configOptions[key].flag, key);
    }
  });
});
