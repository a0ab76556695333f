import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { lazyRequestLogger } from '../../src/http/request-logger.ts';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level, base: { service: 'basalt' } },
    { write: (l: string) => lines.push(JSON.parse(l)) },
  );
  return { logger, lines };
}

test('the request logger writes with the request id, and makes its child only when used', () => {
  const { logger, lines } = capture();
  let children = 0;
  const counting = Object.assign(Object.create(logger), {
    child: (...args: Parameters<typeof logger.child>) => {
      children++;
      return logger.child(...args);
    },
  });
  const unused = lazyRequestLogger(counting, { requestId: 'r-1' }, {});
  assert.equal(unused.level, 'info');
  assert.equal(children, 0);
  const used = lazyRequestLogger(counting, { requestId: 'r-2' }, {});
  used.warn({ route: '/x' }, 'slow');
  used.error('plain %s', 'text');
  used.debug('below the level');
  assert.equal(children, 1);
  assert.deepEqual(
    lines.map(({ time, pid, hostname, ...rest }) => rest),
    [
      { level: 40, service: 'basalt', requestId: 'r-2', route: '/x', msg: 'slow' },
      { level: 50, service: 'basalt', requestId: 'r-2', msg: 'plain text' },
    ],
  );
});

test('a route log level reaches the child, and children of it keep the request id', () => {
  const { logger, lines } = capture();
  const quiet = lazyRequestLogger(logger, { requestId: 'r-3' }, { level: 'error' });
  assert.equal(quiet.level, 'error');
  quiet.info('dropped');
  quiet.child({ traceId: 't' }).error('kept');
  assert.deepEqual(
    lines.map(({ requestId, traceId, msg }) => ({ requestId, traceId, msg })),
    [{ requestId: 'r-3', traceId: 't', msg: 'kept' }],
  );
});
