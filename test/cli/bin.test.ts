import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../../bin/allocator-env.js';

const BIN = fileURLToPath(new URL('../../bin/basalt.js', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'basalt-bin-'));

/** Runs bin/basalt.js in a child process under this (Node 24) runtime. */
function basalt(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/basalt.js as a child process', () => {
  test('--help', () => {
    const { code, stdout, stderr } = basalt(['--help']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Usage:\n {2}basalt COMMAND \[flags\]/);
  });

  test('serve --help lists env names and defaults', () => {
    const { code, stdout } = basalt(['serve', '--help']);
    assert.equal(code, 0);
    assert.match(
      stdout,
      /--http HOST:PORT\n.*\n\s+env BASALT_HTTP · file key http · default 127\.0\.0\.1:8090/,
    );
    assert.match(
      stdout,
      /env BASALT_DATABASE_URL · file key databaseUrl · default sqlite:\/\/<dir>\/data\.db/,
    );
  });

  test('a bad flag exits 2 with one line and a pointer to --help, no stack', () => {
    const { code, stdout, stderr } = basalt(['serve', '--bogus']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `Error: Unknown flag --bogus for "basalt serve".\nRun 'basalt serve --help' for usage.\n`,
    );
  });

  test('a bad environment value exits 1', () => {
    const { code, stderr } = basalt(['serve'], { BASALT_HTTP: 'abc' });
    assert.equal(code, 1);
    assert.equal(
      stderr,
      'Error: Invalid value for BASALT_HTTP (environment): "abc" — expected host:port such as 127.0.0.1:8090.\n',
    );
  });

  test('on an older Node it re-runs itself with the pinned Node 24', (t) => {
    const old = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
    if (old.status !== 0 || Number(old.stdout.slice(1).split('.')[0]) >= 24) {
      t.skip('no Node older than 24 at /usr/bin/node');
      return;
    }
    const result = spawnSync('/usr/bin/node', [BIN, 'version'], { cwd, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^basalt \S+ \(node v24\./);
  });

  test('serve listens, then the first SIGTERM closes gracefully and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--http', '127.0.0.1:0', '--dir', join(cwd, 'serve-data')],
      {
        cwd,
        env: { PATH: process.env.PATH, MALLOC_ARENA_MAX: '3' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /Server started at (http:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200);
    if (process.platform === 'linux') {
      // the same process (pid), replaced once with glibc's allocator settings; the user's value kept
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('MALLOC_ARENA_MAX=3'), environ.join(' '));
      assert.ok(environ.includes(`MALLOC_MMAP_THRESHOLD_=${ALLOCATOR_ENV.MALLOC_MMAP_THRESHOLD_}`));
    }
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.match(stderr, /Received SIGTERM; shutting down gracefully \(up to 30s\)/);
  });
});
