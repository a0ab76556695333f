import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startProcessServer, tempDir } from '../helpers/process-server.ts';
import { http } from '../helpers/server.ts';

/** Sends one raw HTTP request (for URLs and headers fetch would normalise) and answers the status line and request id. */
function rawRequest(url: string, head: string): Promise<{ status: string; requestId: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({ status: text.split('\r\n')[0], requestId: /x-request-id: (\S+)/i.exec(text)?.[1] ?? '' }),
    );
  });
}

test('the process logger writes one JSON access line per request, whole, in ASCII, also when the process stops', async () => {
  const server = await startProcessServer(tempDir(), {
    args: ['--log-level', 'info', '--trusted-proxies', '127.0.0.1'],
  });
  try {
    const token = await server.token();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const response = await http(server.url, 'GET', `/api/health?n=${i}`, { headers: { 'x-request-id': `health-${i}` } });
      assert.equal(response.status, 200);
      ids.push(`health-${i}`);
    }
    const listed = await http(server.url, 'GET', '/api/collections?token=super-secret-value', { token });
    assert.equal(listed.status, 200);
    // a URL with a quote and a backslash, and a client address from a trusted proxy that is not ASCII
    const odd = await rawRequest(
      server.url,
      'GET /api/health?q="x"\\y HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: odd-1\r\nX-Forwarded-For: 198.51.100.7\u00e9',
    );
    assert.match(odd.status, /^HTTP\/1\.1 200/);
    // the same client again after another one: each line names its own client
    const after = await http(server.url, 'GET', '/api/health', { headers: { 'x-request-id': 'after-odd' } });
    assert.equal(after.status, 200);

    server.child.kill('SIGINT');
    const exit = await server.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());

    const raw = server.stderr();
    const lines = raw.split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    const byId = new Map(requests.map((entry) => [entry.requestId as string, entry]));
    // every request answered before the stop has its line, written at exit at the latest
    for (const id of ids) assert.ok(byId.has(id), `no access line for ${id}`);
    const health = byId.get('health-7')!;
    assert.equal(health.method, 'GET');
    assert.equal(health.url, '/api/health?n=7');
    assert.equal(health.route, '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.ip, '127.0.0.1');
    assert.equal(health.level, 30);
    assert.equal(health.service, 'basalt');
    assert.equal(typeof health.ms, 'number');
    assert.equal(typeof health.time, 'string');
    assert.ok(!Number.isNaN(Date.parse(health.time as string)));
    // the secret in the query is redacted; the caller is named
    const list = requests.find((entry) => (entry.url as string).startsWith('/api/collections?'))!;
    assert.equal(list.url, '/api/collections?token=[redacted]');
    assert.match(list.principal as string, /^_superusers\//);
    assert.ok(!raw.includes('super-secret-value'));
    // quotes, backslashes and non-ASCII text survive as JSON escapes in an all-ASCII line
    const oddLine = byId.get('odd-1')!;
    assert.equal(oddLine.url, '/api/health?q="x"\\y');
    assert.equal(oddLine.ip, '198.51.100.7\u00e9');
    assert.equal(byId.get('after-odd')?.ip, '127.0.0.1');
    const oddText = lines.find((line) => line.includes('"requestId":"odd-1"'))!;
    assert.match(oddText, /^[\x20-\x7e]*$/);
  } finally {
    await server.kill();
  }
});
