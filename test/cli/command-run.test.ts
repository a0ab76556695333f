import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Command, CommandContext } from '../../src/cli/index.ts';
import { runCommand } from '../../src/cli/index.ts';
import type { Config } from '../../src/config/index.ts';
import { ApiError, fieldError } from '../../src/lib/errors.ts';

const cwd = mkdtempSync(join(tmpdir(), 'basalt-cmd-'));

/** A small tree whose commands record what they received. */
function tree(seen: { ctx?: CommandContext; config?: Config }, fail?: unknown): Command {
  return {
    name: 'basalt',
    summary: 'test root',
    subcommands: [
      {
        name: 'show',
        summary: 'records its input',
        args: [{ name: 'NAME', description: 'a name', optional: true }],
        flags: {
          label: { type: 'string', description: 'a label' },
          loud: { type: 'boolean', description: 'loud' },
        },
        config: 'brief',
        async run(ctx) {
          seen.ctx = ctx;
          seen.config = ctx.loadConfig();
          if (fail) throw fail;
          return 0;
        },
      },
    ],
  };
}

async function run(argv: string[], fail?: unknown) {
  const seen: { ctx?: CommandContext; config?: Config } = {};
  let stdout = '';
  let stderr = '';
  const code = await runCommand(tree(seen, fail), argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { BASALT_DEV: 'true' },
    cwd,
  });
  return { code, stdout, stderr, ...seen };
}

describe('flag parsing', () => {
  test('own flags, positionals and config flags reach the command', async () => {
    const { code, ctx, config } = await run(['show', 'x', '--label', 'L', '--loud', '--http=0.0.0.0:1']);
    assert.equal(code, 0);
    assert.deepEqual(ctx?.args, ['x']);
    assert.deepEqual(ctx?.flags, { label: 'L', loud: true });
    assert.equal(ctx?.path, 'basalt show');
    assert.equal(config?.http, '0.0.0.0:1');
  });

  test('booleans: --no-dev and --dev=false override the environment', async () => {
    assert.equal((await run(['show'])).config?.dev, true);
    assert.equal((await run(['show', '--no-dev'])).config?.dev, false);
    assert.equal((await run(['show', '--dev=false'])).config?.dev, false);
  });

  test('a bad boolean word is reported as a flag value', async () => {
    const { code, stderr } = await run(['show', '--dev=perhaps']);
    assert.equal(code, 2);
    assert.match(stderr, /Invalid value for --dev \(flag\): "perhaps" — expected true or false\./);
  });

  test('repeated list flags add up', async () => {
    const { config } = await run(['show', '--origins', 'https://a.example', '--origins=https://b.example']);
    assert.deepEqual(config?.origins, ['https://a.example', 'https://b.example']);
  });

  test('repeated scalar flags: the last wins', async () => {
    assert.equal(
      (await run(['show', '--http', '1.1.1.1:1', '--http', '2.2.2.2:2'])).config?.http,
      '2.2.2.2:2',
    );
  });

  test('-- ends the flags', async () => {
    const { code, ctx } = await run(['show', '--', '--label']);
    assert.equal(code, 0);
    assert.deepEqual(ctx?.args, ['--label']);
  });

  test('a flag of another command is unknown here', async () => {
    const { code, stderr } = await run(['show', '--version']);
    assert.equal(code, 2);
    assert.match(stderr, /Unknown flag --version for "basalt show"/);
  });
});

describe('errors from a command', () => {
  test('print one line and exit 1', async () => {
    const { code, stderr } = await run(['show'], new Error('disk full'));
    assert.equal(code, 1);
    assert.equal(stderr, 'Error: disk full\n');
  });

  test('ApiError field problems are spelled out', async () => {
    const error = new ApiError('validation_failed', undefined, {
      email: fieldError('validation_invalid_email', 'Must be a valid email address.'),
    });
    const { code, stderr } = await run(['show'], error);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      'Error: Failed to validate the request data. (email: Must be a valid email address.)\n',
    );
  });

  test('--debug prints the stack and the causes', async () => {
    const error = new Error('could not open', { cause: new Error('EACCES: permission denied') });
    const { code, stderr } = await run(['show', '--debug'], error);
    assert.equal(code, 1);
    assert.match(stderr, /^Error: could not open\nError: could not open\n\s+at /);
    assert.match(stderr, /Caused by: Error: EACCES: permission denied/);
  });

  test('a thrown non-Error is printed too', async () => {
    const { code, stderr } = await run(['show'], 'plain string');
    assert.equal(code, 1);
    assert.equal(stderr, 'Error: plain string\n');
  });
});
