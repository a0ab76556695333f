import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultText } from '../../src/cli/command-help.ts';
import { runCli } from '../../src/cli/index.ts';
import { CONFIG_KEYS, configOptions } from '../../src/config/index.ts';

const cwd = mkdtempSync(join(tmpdir(), 'basalt-cli-'));

/** Runs the CLI in-process and collects what it printed. */
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

describe('help', () => {
  test('basalt --help lists the commands', async () => {
    const { code, stdout, stderr } = await cli(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const name of ['serve', 'superuser', 'migrate', 'version'])
      assert.match(stdout, new RegExp(`\\n  ${name} `));
    assert.match(stdout, /Usage:\n {2}basalt COMMAND \[flags\]/);
  });

  test('-h works like --help', async () => {
    assert.equal((await cli(['-h'])).stdout, (await cli(['--help'])).stdout);
  });

  test('serve --help lists every option with its flag, env name and default', async () => {
    const { code, stdout } = await cli(['serve', '--help']);
    assert.equal(code, 0);
    for (const key of CONFIG_KEYS) {
      const option = configOptions[key];
      assert.ok(stdout.includes(`--${option.flag}`), `flag of ${key}`);
      assert.ok(stdout.includes(`env ${option.env}`), `env of ${key}`);
      assert.ok(stdout.includes(`default ${defaultText(key)}`), `default of ${key}`);
    }
    assert.match(stdout, /default 127\.0\.0\.1:8090/);
    assert.match(stdout, /default 32MiB/);
    assert.match(stdout, /default sqlite:\/\/<dir>\/data\.db/);
  });

  test('help may come before the command', async () => {
    const { code, stdout } = await cli(['--help', 'serve']);
    assert.equal(code, 0);
    assert.match(stdout, /basalt serve \[flags\]/);
  });

  test('superuser --help and superuser upsert --help', async () => {
    const group = await cli(['superuser', '--help']);
    assert.equal(group.code, 0);
    for (const name of ['upsert', 'create', 'update', 'delete'])
      assert.match(group.stdout, new RegExp(`\\n  ${name} `));
    const upsert = await cli(['superuser', 'upsert', '--help']);
    assert.equal(upsert.code, 0);
    assert.match(upsert.stdout, /basalt superuser upsert EMAIL PASSWORD \[flags\]/);
    assert.match(upsert.stdout, /every configuration flag of `basalt serve --help`/i);
  });

  test('migrate --help shows its subcommands and optional command', async () => {
    const { code, stdout } = await cli(['migrate', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /basalt migrate \[COMMAND\] \[flags\]/);
    assert.match(stdout, /\n {2}status /);
  });

  test('help wins over missing arguments', async () => {
    assert.equal((await cli(['superuser', 'delete', '--help'])).code, 0);
  });
});

describe('usage errors exit 2 with a pointer to --help', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'unknown command',
      ['serv'],
      /^Error: Unknown command "serv" for "basalt"\. Did you mean "serve"\?\nRun 'basalt --help' for usage\.\n$/,
    ],
    [
      'unknown subcommand',
      ['superuser', 'remove', 'a@b.c'],
      /Unknown command "remove" for "basalt superuser"\. Commands: upsert, create, update, delete, otp\./,
    ],
    ['unknown migrate subcommand', ['migrate', 'down'], /Unknown command "down" for "basalt migrate"/],
    [
      'unknown flag',
      ['serve', '--htp', '1.2.3.4:5'],
      /^Error: Unknown flag --htp for "basalt serve"\. Did you mean --http\?\nRun 'basalt serve --help' for usage\.\n$/,
    ],
    ['unknown short flag', ['serve', '-x'], /Unknown flag -x for "basalt serve"\./],
    [
      'config flag on a command without config',
      ['version', '--dir', 'x'],
      /Unknown flag --dir for "basalt version"/,
    ],
    ['flag without value', ['serve', '--http'], /Flag --http needs a value, as in --http=VALUE\./],
    ['flag followed by another flag', ['serve', '--http', '--dev'], /Flag --http needs a value/],
    [
      'missing argument',
      ['superuser', 'upsert', 'a@b.c'],
      /Missing PASSWORD for "basalt superuser upsert"\.\nRun 'basalt superuser upsert --help'/,
    ],
    ['missing arguments', ['superuser', 'create'], /Missing EMAIL and PASSWORD/],
    [
      'extra argument',
      ['superuser', 'delete', 'a@b.c', 'b@c.d'],
      /Unexpected argument "b@c\.d" for "basalt superuser delete"/,
    ],
    [
      'bad flag value',
      ['serve', '--http', 'abc'],
      /^Error: Invalid value for --http \(flag\): "abc" — expected host:port such as 127\.0\.0\.1:8090\.\n$/,
    ],
    ['negated flag with a value', ['serve', '--no-dev=1'], /Flag --no-dev takes no value/],
  ];
  for (const [name, argv, message] of cases) {
    test(name, async () => {
      const { code, stdout, stderr } = await cli(argv);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
    });
  }

  test('a group without a command prints its help on stderr', async () => {
    const { code, stderr } = await cli(['superuser']);
    assert.equal(code, 2);
    assert.match(stderr, /^basalt superuser needs a command: upsert, create, update, delete, otp\.\n/);
    assert.match(stderr, /Usage:/);
  });

  test('basalt alone needs a command', async () => {
    const { code, stderr } = await cli([]);
    assert.equal(code, 2);
    assert.match(stderr, /^basalt needs a command: serve, superuser, [a-z0-9, ]*version\./);
  });
});

describe('configuration errors', () => {
  test('a bad environment value stops with exit 1 and one line, no stack', async () => {
    const { code, stderr } = await cli(['serve'], { BASALT_SHUTDOWN_TIMEOUT: 'soon' });
    assert.equal(code, 1);
    assert.equal(
      stderr,
      'Error: Invalid value for BASALT_SHUTDOWN_TIMEOUT (environment): "soon" — expected a duration such as 30s, 500ms, 5m or 1h30m.\n',
    );
  });

  test('--debug adds the stack', async () => {
    const { code, stderr } = await cli(['serve', '--debug'], { BASALT_SHUTDOWN_TIMEOUT: 'soon' });
    assert.equal(code, 1);
    assert.match(stderr, /^Error: Invalid value for BASALT_SHUTDOWN_TIMEOUT/);
    assert.match(stderr, /\n\s+at .*load-config\.ts/);
  });

  test('superuser commands read config flags too', async () => {
    const { code, stderr } = await cli(['superuser', 'upsert', 'a@b.c', 'pw', '--db-sync', 'never']);
    assert.equal(code, 2);
    assert.match(stderr, /Invalid value for --db-sync \(flag\): "never" — expected one of normal, full\./);
  });
});

describe('version', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

  test('basalt version', async () => {
    const { code, stdout } = await cli(['version']);
    assert.equal(code, 0);
    assert.equal(stdout, `basalt ${version} (node ${process.version})\n`);
  });

  test('basalt --version and -v', async () => {
    assert.equal((await cli(['--version'])).stdout, `basalt ${version}\n`);
    assert.equal((await cli(['-v'])).stdout, `basalt ${version}\n`);
  });
});
