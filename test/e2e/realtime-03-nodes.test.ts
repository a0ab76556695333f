/**
 * Two Basalt nodes on one data dir and one pub/sub engine (Redis, NATS): a record written
 * on node A reaches a subscriber connected to node B, and so do custom messages and
 * messages sent to one client id. A missing engine fails under CI=true, else skips.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { type BasaltApp, createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';
import { openPubSub } from '../../src/pubsub/index.ts';
import { Inbox } from '../helpers/realtime.ts';
import { uniqueName } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import PocketBase from 'pocketbase';

const ENGINES = {
  redis: process.env.BASALT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  nats: process.env.BASALT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
};

async function reachable(url: string): Promise<string | null> {
  try {
    await (await openPubSub(url)).close();
    return null;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    return (error as Error).message;
  }
}

for (const [engine, pubsubUrl] of Object.entries(ENGINES)) {
  describe(`realtime across two nodes over ${engine}`, () => {
    let skip: string | null = null;
    let a: TestServer;
    let b: BasaltApp;
    let bUrl: string;
    let collection: string;
    const clients: PocketBase[] = [];

    before(async () => {
      skip = await reachable(pubsubUrl);
      if (skip) return;
      a = await startServer({ pubsubUrl });
      const pb = await a.superuser();
      collection = uniqueName('nodes');
      await pb.collections.create({
        name: collection,
        type: 'base',
        listRule: '',
        viewRule: '',
        fields: [{ name: 'title', type: 'text' }],
      });
      // node B: same database and migrations, its own process state and HTTP port
      const config = defaultConfig({
        http: '127.0.0.1:0',
        dir: a.dir,
        migrationsDir: join(a.dir, 'migrations'),
        pubsubUrl,
      });
      b = createBasalt({ config, logger: pino({ level: 'silent' }) });
      bUrl = (await b.serve()).url;
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.realtime.unsubscribe().catch(() => {})));
      await b?.close();
      await a?.stop();
    });

    const onB = () => {
      const client = new PocketBase(bUrl);
      client.autoCancellation(false);
      clients.push(client);
      return client;
    };

    test('a record created on node A reaches a subscriber on node B', async (t) => {
      if (skip) return t.skip(`${engine} unavailable: ${skip}`);
      const inbox = new Inbox();
      await onB().collection(collection).subscribe('*', inbox.push);
      const record = await (await a.superuser()).collection(collection).create({ title: 'from A' });
      const event = await inbox.until((e) => e.record.id === record.id, 'the event on node B');
      assert.equal(event.action, 'create');
      assert.equal(event.record.title, 'from A');
    });

    test('custom topics and sendToClient published on A reach clients on B', async (t) => {
      if (skip) return t.skip(`${engine} unavailable: ${skip}`);
      const topic = uniqueName('news');
      const client = onB();
      const news = new Inbox();
      const direct = new Inbox();
      await client.realtime.subscribe(topic, news.push);
      await client.realtime.subscribe('@oauth2', direct.push);
      await a.app.realtime.publish(topic, { from: 'A' });
      await a.app.realtime.sendToClient(client.realtime.clientId, '@oauth2', { code: 'xyz' });
      assert.deepEqual(await news.until(() => true, 'the custom message'), { from: 'A' });
      assert.deepEqual(await direct.until(() => true, 'the direct message'), { code: 'xyz' });
    });
  });
}
