import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { startS3rver, type ThirdPartyS3 } from '../helpers/s3rver.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let pb: PocketBase;
let s3: ThirdPartyS3;

before(async () => {
  s3 = await startS3rver();
  server = await startServer();
  pb = await server.superuser();
  await pb.collections.create({ name: 'docs', type: 'base', fields: [{ name: 'body', type: 'text' }] });
});
after(async () => {
  await server.stop();
  await s3.stop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('with S3 enabled in the settings, backups go to the bucket and restore from it', async () => {
  await pb.settings.update({
    backups: {
      s3: {
        enabled: true,
        bucket: 'test',
        region: 'us-east-1',
        endpoint: s3.endpoint,
        accessKey: 'S3RVER',
        secret: 'S3RVER',
        forcePathStyle: true,
      },
    },
  });
  const kept = await pb.collection('docs').create({ body: 'in the S3 backup' });
  await pb.backups.create('in_s3.tar.gz');
  // the bucket holds it, read with a plain S3 listing (not through our store)
  const listing = await (await fetch(`${s3.endpoint}/test?list-type=2`)).text();
  assert.match(listing, /<Key>in_s3\.tar\.gz<\/Key>/);
  assert.ok((await pb.backups.getFullList()).some((b) => b.key === 'in_s3.tar.gz'));

  await pb.collection('docs').delete(kept.id);
  await pb.backups.restore('in_s3.tar.gz');
  const back = await waitFor(
    'the restored record',
    async () => (await pb.collection('docs').getOne(kept.id)).body as string,
  );
  assert.equal(back, 'in the S3 backup');
  await pb.backups.delete('in_s3.tar.gz');
  assert.doesNotMatch(await (await fetch(`${s3.endpoint}/test?list-type=2`)).text(), /in_s3\.tar\.gz/);
});

test('a cron schedule takes @auto_ backups and keeps cronMaxKeep of them', async () => {
  await pb.settings.update({ backups: { cron: '* * * * * *', cronMaxKeep: 2, s3: { enabled: false } } });
  const autos = () => pb.backups.getFullList().then((l) => l.filter((b) => b.key.startsWith('@auto_')));
  await waitFor('three finished scheduled runs', async () => {
    const runs = await server.app.cron.history('basalt:backups');
    return runs.filter((r) => r.finished && !r.error).length >= 3 ? true : undefined;
  });
  await pb.settings.update({ backups: { cron: '' } });
  await new Promise((r) => setTimeout(r, 1500)); // a run that had started finishes (and prunes)
  const left = await autos();
  assert.ok(left.length >= 1 && left.length <= 2, `kept ${left.map((b) => b.key).join(', ')}`);
});
