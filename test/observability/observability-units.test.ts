import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { createMetricsAccess } from '../../src/observability/metrics-access.ts';
import { Readiness } from '../../src/observability/readiness.ts';
import { REDACT_PATHS, redactUrl } from '../../src/observability/redact.ts';

describe('metrics access', () => {
  const cases: [string, string[], string, string | undefined, boolean][] = [
    ['loopback v4 allowed by default list', ['127.0.0.1', '::1'], '127.0.0.1', undefined, true],
    ['loopback v6', ['127.0.0.1', '::1'], '::1', undefined, true],
    ['v4-mapped v6 address', ['127.0.0.1'], '::ffff:127.0.0.1', undefined, true],
    ['outside the list', ['127.0.0.1', '::1'], '10.1.2.3', undefined, false],
    ['inside a CIDR range', ['10.0.0.0/8'], '10.200.3.4', undefined, true],
    ['just outside a CIDR range', ['10.0.0.0/8'], '11.0.0.1', undefined, false],
    ['v6 range', ['fd00::/8'], 'fd12::1', undefined, true],
    ['right token from anywhere', [], '203.0.113.9', 'Bearer tok-123', true],
    ['token without Bearer', [], '203.0.113.9', 'tok-123', false],
    ['wrong token', [], '203.0.113.9', 'Bearer tok-124', false],
    ['not an address', ['127.0.0.1'], 'garbage', undefined, false],
  ];
  for (const [name, allow, ip, auth, expected] of cases)
    test(name, () => assert.equal(createMetricsAccess({ token: 'tok-123', allow })(ip, auth), expected));

  test('an empty token never matches', () => {
    assert.equal(createMetricsAccess({ token: '', allow: [] })('1.2.3.4', 'Bearer '), false);
  });
});

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['/api/x', '/api/x'],
    ['/api/x?page=2&token=abc', '/api/x?page=2&token=[redacted]'],
    ['/api/x?PASSWORD=abc&b=1', '/api/x?PASSWORD=[redacted]&b=1'],
    ['/api/x?pass%77ord=abc', '/api/x?pass%77ord=[redacted]'],
    ['/cb?code=xyz&state=s', '/cb?code=[redacted]&state=s'],
    ['/a?keyword=abc', '/a?keyword=abc'],
    ['/a?filter=token%3D1', '/a?filter=token%3D1'],
  ];
  for (const [input, expected] of cases) test(input, () => assert.equal(redactUrl(input), expected));
});

test('pino with REDACT_PATHS hides secrets in headers, bodies and query objects', () => {
  const lines: string[] = [];
  const logger = pino(
    { redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    { write: (l: string) => lines.push(l) },
  );
  logger.info({
    req: { headers: { authorization: 'A1', cookie: 'C1', 'x-api-key': 'K1', accept: 'json' } },
    body: { password: 'P1', apiKey: 'K2', title: 'ok' },
    query: { token: 'T1' },
    password: 'P2',
  });
  const line = lines.join('');
  for (const secret of ['A1', 'C1', 'K1', 'K2', 'P1', 'P2', 'T1'])
    assert.ok(!line.includes(`"${secret}"`), secret);
  assert.ok(line.includes('"title":"ok"') && line.includes('"accept":"json"'));
});

test('readiness runs checks in parallel, each under the timeout', async () => {
  const readiness = new Readiness(150);
  readiness.add('fast', async () => {});
  readiness.add('hung', () => new Promise(() => {}));
  readiness.add('hung-too', () => new Promise(() => {}));
  const started = performance.now();
  const result = await readiness.run();
  const took = performance.now() - started;
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.checks.map((c) => [c.name, c.ok]),
    [
      ['fast', true],
      ['hung', false],
      ['hung-too', false],
    ],
  );
  assert.ok(took < 1000, `took ${took} ms: the two hung checks ran in parallel`);
});
