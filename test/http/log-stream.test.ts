import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LogStream } from '../../src/http/log-stream.ts';
import { asciiJson } from '../../src/observability/request-facts.ts';

function tempFile(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-log-stream-'));
  return { path: join(dir, 'log'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('lines written as text and as ASCII reach the file whole and in order, across blocks', async () => {
  const file = tempFile();
  const fd = openSync(file.path, 'w');
  const stream = new LogStream(fd);
  const expected: string[] = [];
  // ~1.2 MB: several hand-overs and several blocks, with lines larger than a block now and then
  for (let i = 0; i < 6000; i++) {
    const line =
      i % 997 === 0
        ? `{"n":${i},"big":"${'x'.repeat(300_000)}"}\n`
        : `{"n":${i},"text":${i % 3 === 0 ? '"héllo ✓"' : `"plain ${'y'.repeat(i % 200)}"`}}\n`;
    if (i % 3 === 0) stream.write(line);
    else stream.writeAscii(line);
    expected.push(line);
  }
  await new Promise<void>((resolve, reject) => stream.flush((error) => (error ? reject(error) : resolve())));
  closeSync(fd);
  const written = readFileSync(file.path, 'utf8');
  file.done();
  assert.equal(written.length, expected.join('').length);
  assert.equal(written, expected.join(''));
});

test('lines still held when the process exits are written before it ends', () => {
  const module = fileURLToPath(new URL('../../src/http/log-stream.ts', import.meta.url));
  // a burst smaller than one hand-over, then exit at once: only the exit flush can write it;
  // without the last text line, the ASCII lines are still waiting to be copied at exit
  for (const last of ['{"last":"é"}', null]) {
    const file = tempFile();
    const script = `
      import { openSync } from 'node:fs';
      import { LogStream } from ${JSON.stringify(module)};
      const stream = new LogStream(openSync(${JSON.stringify(file.path)}, 'w'));
      for (let i = 0; i < 100; i++) stream.writeAscii('{"line":' + i + '}\\n');
      ${last ? `stream.write(${JSON.stringify(`${last}
`)});` : ''}
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(file.path, 'utf8').trimEnd().split('\n');
    file.done();
    assert.equal(lines.length, last ? 101 : 100);
    assert.deepEqual(JSON.parse(lines[99]), { line: 99 });
    if (last) assert.deepEqual(JSON.parse(lines[100]), JSON.parse(last));
  }
});

test('asciiJson quotes like JSON.stringify and writes anything past ASCII as escapes', () => {
  const cases = [
    '/api/collections/posts/records?page=2',
    'quote " and backslash \\',
    'control \u0001 tab \t newline \n',
    'é ✓ 𝄞 and a lone \ud800 surrogate',
    '',
    '203.0.113.9',
  ];
  for (const text of cases) {
    const quoted = asciiJson(text);
    assert.match(quoted, /^[\x20-\x7e]*$/, `only printable ASCII in ${quoted}`);
    assert.equal(JSON.parse(quoted), text);
  }
  assert.equal(asciiJson('plain/path?x=1'), '"plain/path?x=1"');
});
