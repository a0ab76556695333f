import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hook, type HookEvent, TaggedHook } from '../../src/hooks/index.ts';

interface Ev extends HookEvent {
  tag: string;
  log: string[];
}

const event = (tag = 'posts'): Ev => ({ tag, log: [], next: async () => {} });
const hook = () => new Hook<Ev>((e) => [e.tag]);
/** A handler that logs `label` and continues the chain. */
const logThen = (label: string) => async (e: Ev) => {
  e.log.push(label);
  await e.next();
};

describe('Hook', () => {
  test('handlers run by priority (lower first), then in binding order, around the action', async () => {
    const h = hook();
    h.bind({ id: 'late', priority: 10, fn: logThen('late') });
    h.bind({
      id: 'wrap',
      priority: -5,
      fn: async (e) => {
        e.log.push('wrap:before');
        await e.next();
        e.log.push('wrap:after');
      },
    });
    h.bindFunc(logThen('a'));
    h.bindFunc(logThen('b'));
    const e = event();
    const ran = await h.trigger(e, async (ev) => void ev.log.push('action'));
    assert.equal(ran, true);
    assert.deepEqual(e.log, ['wrap:before', 'a', 'b', 'late', 'action', 'wrap:after']);
  });

  test('a handler that does not call next() stops the chain and the action', async () => {
    const h = hook();
    h.bindFunc((e) => void e.log.push('stopper'));
    h.bindFunc(logThen('never'));
    const e = event();
    assert.equal(await h.trigger(e, async (ev) => void ev.log.push('action')), false);
    assert.deepEqual(e.log, ['stopper']);
  });

  test('an error rejects the trigger after outer handlers saw it come out of next()', async () => {
    const h = hook();
    h.bind({
      priority: -1,
      fn: async (e) => {
        try {
          await e.next();
        } catch (error) {
          e.log.push(`saw:${(error as Error).message}`);
          throw error;
        }
      },
    });
    h.bindFunc(() => {
      throw new Error('nope');
    });
    const e = event();
    await assert.rejects(h.trigger(e), /nope/);
    assert.deepEqual(e.log, ['saw:nope']);
  });

  test('calling next() twice is an error', async () => {
    const h = hook();
    h.bind({
      id: 'twice',
      fn: async (e) => {
        await e.next();
        await e.next();
      },
    });
    await assert.rejects(h.trigger(event()), /next\(\) was called twice/);
  });

  test('unbind by id, rebinding an id replaces it, unbindAll clears', async () => {
    const h = hook();
    h.bind({ id: 'x', fn: logThen('x1') });
    h.bind({ id: 'y', fn: logThen('y') });
    h.bind({ id: 'x', fn: logThen('x2') });
    let e = event();
    await h.trigger(e);
    assert.deepEqual(e.log, ['y', 'x2']);
    h.unbind('y', 'unknown');
    assert.deepEqual(h.ids(), ['x']);
    h.unbindAll();
    e = event();
    assert.equal(await h.trigger(e, async (ev) => void ev.log.push('action')), true);
    assert.deepEqual(e.log, ['action']);
  });

  test('tagged handlers run only for events with a matching tag', async () => {
    const h = hook();
    new TaggedHook(h, ['posts']).bindFunc(logThen('posts-only'));
    new TaggedHook(h, []).bindFunc(logThen('all'));
    const posts = event('posts');
    const users = event('users');
    await h.trigger(posts);
    await h.trigger(users);
    assert.deepEqual(posts.log, ['posts-only', 'all']);
    assert.deepEqual(users.log, ['all']);
  });

  test('snapshot and restore put the handler list back', async () => {
    const h = hook();
    h.bind({ id: 'keep', fn: (e) => e.next() });
    const snap = h.snapshot();
    h.bind({ id: 'drop', fn: (e) => e.next() });
    h.restore(snap);
    assert.deepEqual(h.ids(), ['keep']);
  });
});
