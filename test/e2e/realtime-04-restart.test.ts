/**
 * A `basalt serve` process killed with SIGKILL and started again on the same port and
 * data dir: the SDK's realtime connection comes back by itself with a new client id,
 * sends its subscriptions again, and receives events from the new process.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import PocketBase from 'pocketbase';
import {
  createOpenCollection,
  type ProcessServer,
  startProcessServer,
  tempDir,
} from '../helpers/process-server.ts';
import { eventually, Inbox } from '../helpers/realtime.ts';
import { http } from '../helpers/server.ts';

let server: ProcessServer | undefined;
let pb: PocketBase | undefined;
after(async () => {
  await pb?.realtime.unsubscribe().catch(() => {});
  await server?.kill();
});

test('after a crash and restart, the SDK reconnects, resubscribes and receives again', async () => {
  const dir = tempDir('basalt-rt-restart-');
  server = await startProcessServer(dir);
  await createOpenCollection(server, 'rposts');
  const create = async (title: string) => {
    const response = await http(server!.url, 'POST', '/api/collections/rposts/records', { body: { title } });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.id as string;
  };
  pb = new PocketBase(server.url);
  pb.autoCancellation(false);
  const inbox = new Inbox();
  await pb.collection('rposts').subscribe('*', inbox.push);
  const first = await create('before the crash');
  await inbox.until((e) => e.record.id === first, 'an event before the crash');
  const firstClientId = pb.realtime.clientId;

  const port = new URL(server.url).port;
  await server.kill();
  server = await startProcessServer(dir, { superuser: false, args: ['--http', `127.0.0.1:${port}`] });
  assert.equal(new URL(server.url).port, port, 'the restarted server listens on the same port');
  await eventually(
    () => pb!.realtime.isConnected && pb!.realtime.clientId !== firstClientId,
    'the SDK to reconnect to the restarted server',
    15_000,
  );
  // the resubmission of subscriptions follows the reconnect: retry until an event arrives
  let second = '';
  await eventually(
    async () => {
      second = await create('after the restart');
      await new Promise((resolve) => setTimeout(resolve, 100));
      return inbox.items.some((e) => e.record.id === second);
    },
    'an event from the restarted server',
    10_000,
  );
  assert.equal(inbox.items.find((e) => e.record.id === second).action, 'create');
});
