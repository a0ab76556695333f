import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { installShutdownSignals } from '../../src/cli/signals.ts';

function setup(close: () => Promise<void>, timeoutMs = 5000) {
  const target = new EventEmitter();
  const exits: number[] = [];
  let stderr = '';
  const handle = installShutdownSignals({
    close,
    timeoutMs,
    stderr: { write: (s: string) => (stderr += s) },
    target,
    exit: (code) => exits.push(code),
  });
  return { target, exits, handle, stderr: () => stderr };
}

describe('shutdown signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`first ${signal} closes gracefully and resolves 0`, async () => {
      let closed = 0;
      const { target, exits, handle, stderr } = setup(async () => {
        closed++;
      });
      assert.equal(handle.signal, null);
      target.emit(signal);
      assert.equal(await handle.done, 0);
      assert.equal(closed, 1);
      assert.equal(handle.signal, signal);
      assert.deepEqual(exits, []);
      assert.match(stderr(), new RegExp(`Received ${signal}; shutting down gracefully \\(up to 5s\\)`));
      handle.dispose();
    });
  }

  test('a second signal exits at once with 128 + its number', async () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const { target, exits, handle } = setup(() => new Promise(() => {}));
      target.emit('SIGTERM');
      assert.deepEqual(exits, []);
      target.emit(signal);
      assert.deepEqual(exits, [code]);
      handle.dispose();
    }
  });

  test('close runs once however many signals arrive', async () => {
    let closed = 0;
    const { target, handle } = setup(async () => {
      closed++;
    });
    target.emit('SIGINT');
    target.emit('SIGINT');
    await handle.done;
    assert.equal(closed, 1);
    handle.dispose();
  });

  test('a failing close resolves 1 and says why', async () => {
    const { target, handle, stderr } = setup(async () => {
      throw new Error('db stuck');
    });
    target.emit('SIGTERM');
    assert.equal(await handle.done, 1);
    assert.match(stderr(), /Error during shutdown: db stuck/);
    handle.dispose();
  });

  test('a close that outlasts the timeout exits with 1', async () => {
    const { target, exits, handle, stderr } = setup(() => new Promise(() => {}), 20);
    target.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(exits, [1]);
    assert.match(stderr(), /Shutdown did not finish after 20ms; exiting\./);
    handle.dispose();
  });

  test('after a finished close, a process still held open at the timeout exits with 0', async () => {
    const { target, exits, handle, stderr } = setup(async () => {}, 20);
    target.emit('SIGINT');
    assert.equal(await handle.done, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(exits, [0]);
    assert.match(stderr(), /Shutdown finished but the process is still held open after 20ms; exiting\./);
    handle.dispose();
  });

  test('dispose stops listening', () => {
    const { target, handle } = setup(async () => {});
    assert.equal(target.listenerCount('SIGINT'), 1);
    assert.equal(target.listenerCount('SIGTERM'), 1);
    handle.dispose();
    assert.equal(target.listenerCount('SIGINT'), 0);
    assert.equal(target.listenerCount('SIGTERM'), 0);
  });
});
