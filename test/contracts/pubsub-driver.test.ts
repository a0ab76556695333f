/**
 * The PubSubDriver contract, run over every driver named in BASALT_TEST_PUBSUB_DRIVERS
 * (comma-separated, default `memory,redis,nats`; memory always runs). An engine that is
 * unreachable fails the run when CI=true and is skipped with a message otherwise.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { openPubSub, type PubSubDriver, type PubSubError } from '../../src/pubsub/index.ts';

const URLS: Record<string, string> = {
  memory: 'memory://',
  redis: process.env.BASALT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  nats: process.env.BASALT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
};
const requested = new Set([
  'memory',
  ...(process.env.BASALT_TEST_PUBSUB_DRIVERS ?? 'memory,redis,nats').split(','),
]);

/** Collects messages and lets a test wait for a count, bounded in time. */
function inbox() {
  const got: { topic: string; text: string }[] = [];
  let wake = () => {};
  return {
    got,
    handler: (topic: string, payload: Uint8Array) => {
      got.push({ topic, text: new TextDecoder().decode(payload) });
      wake();
    },
    async until(n: number, ms = 2000): Promise<void> {
      const deadline = Date.now() + ms;
      while (got.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 20);
        });
      }
      assert.ok(got.length >= n, `expected ${n} messages, got ${got.length}`);
    },
  };
}

const enc = (s: string) => new TextEncoder().encode(s);

for (const name of [...requested].map((n) => n.trim()).filter(Boolean)) {
  const url = URLS[name];
  describe(`PubSubDriver contract: ${name}`, () => {
    let a: PubSubDriver | undefined;
    let b: PubSubDriver | undefined;
    let skip: string | false = false;
    const ns = `t${randomUUID().slice(0, 8)}`;

    it('opens (two handles, as two nodes would)', async (t) => {
      try {
        if (!url) throw new Error(`no engine named "${name}" (known: ${Object.keys(URLS).join(', ')})`);
        a = await openPubSub(url);
        b = a.capabilities.crossProcess ? await openPubSub(url) : a;
      } catch (error) {
        if (process.env.CI === 'true') throw error;
        skip = `${name} unavailable: ${(error as Error).message}`;
        t.skip(skip);
      }
    });

    it('delivers to exact and wildcard subscribers, not to others, with the bytes intact', async (t) => {
      if (skip || !a || !b) return t.skip(String(skip));
      const exact = inbox();
      const wild = inbox();
      const other = inbox();
      const offs = [
        await b.subscribe(`${ns}.news.sport`, exact.handler),
        await b.subscribe(`${ns}.news.>`, wild.handler),
        await b.subscribe(`${ns}.other`, other.handler),
      ];
      await a.publish(`${ns}.news.sport`, enc('goal ✓'));
      await a.publish(`${ns}.news.world.eu`, enc('vote'));
      await a.publish(`${ns}.news`, enc('not under news.>'));
      await exact.until(1);
      await wild.until(2);
      assert.deepEqual(exact.got, [{ topic: `${ns}.news.sport`, text: 'goal ✓' }]);
      assert.deepEqual(
        wild.got.map((m) => m.text),
        ['goal ✓', 'vote'],
      );
      // a later message on "other" arrives, so the absence above is real, not a race
      await a.publish(`${ns}.other`, enc('ping'));
      await other.until(1);
      assert.equal(wild.got.length, 2);
      for (const off of offs) await off();
    });

    it('keeps publish order per topic and stops after unsubscribe', async (t) => {
      if (skip || !a || !b) return t.skip(String(skip));
      const box = inbox();
      const off = await b.subscribe(`${ns}.seq`, box.handler);
      for (let i = 0; i < 50; i++) await a.publish(`${ns}.seq`, enc(String(i)));
      await box.until(50);
      assert.deepEqual(
        box.got.map((m) => Number(m.text)),
        Array.from({ length: 50 }, (_, i) => i),
      );
      await off();
      await off(); // twice is harmless
      const marker = inbox();
      const offMarker = await b.subscribe(`${ns}.marker`, marker.handler);
      await a.publish(`${ns}.seq`, enc('late'));
      await a.publish(`${ns}.marker`, enc('m'));
      await marker.until(1);
      assert.equal(box.got.length, 50);
      await offMarker();
    });

    it('two handlers on one pattern both receive; dropping one keeps the other', async (t) => {
      if (skip || !a || !b) return t.skip(String(skip));
      const one = inbox();
      const two = inbox();
      const off1 = await b.subscribe(`${ns}.shared.>`, one.handler);
      const off2 = await b.subscribe(`${ns}.shared.>`, two.handler);
      await a.publish(`${ns}.shared.x`, enc('1'));
      await one.until(1);
      await two.until(1);
      await off1();
      await a.publish(`${ns}.shared.x`, enc('2'));
      await two.until(2);
      assert.equal(one.got.length, 1);
      await off2();
    });

    it('refuses malformed topics and patterns with invalid_topic', async (t) => {
      if (skip || !a) return t.skip(String(skip));
      for (const bad of ['', 'a..b', 'a b', 'a.*', 'a.>.b']) {
        await assert.rejects(a.publish(bad, enc('x')), (e: PubSubError) => e.code === 'invalid_topic');
      }
      await assert.rejects(
        a.subscribe('a.*', () => {}),
        (e: PubSubError) => e.code === 'invalid_topic',
      );
    });

    it('close is idempotent and later calls fail with closed', async (t) => {
      if (skip || !a || !b) return t.skip(String(skip));
      if (b !== a) await b.close();
      await a.close();
      await a.close();
      await assert.rejects(a.publish(`${ns}.x`, enc('x')), (e: PubSubError) => e.code === 'closed');
    });
  });
}

describe('openPubSub', () => {
  it('names the known schemes for an unknown one', async () => {
    await assert.rejects(openPubSub('kafka://x'), /memory:\/\/, redis:\/\/.*nats:\/\//);
  });
});
