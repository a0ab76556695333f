import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { assertProblem, expectApiError } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('SDK: settings', () => {
  let server: TestServer;
  let pb: PocketBase;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
  });
  after(() => server.stop());

  test('getAll answers PocketBase defaults for meta and batch', async () => {
    const settings = await pb.settings.getAll();
    assert.deepEqual(settings.meta, {
      appName: 'Acme',
      appURL: 'http://localhost:8090',
      senderName: 'Support',
      senderAddress: 'support@example.com',
      hideControls: false,
    });
    assert.deepEqual(settings.batch, { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 });
  });

  // rateLimits and trustedProxy arrive with the networking component (not built yet)
  test('getAll has the smtp, s3, backups and logs sections, secrets blank', async () => {
    const settings = await pb.settings.getAll();
    for (const key of ['smtp', 's3', 'backups', 'logs']) {
      assert.equal(typeof settings[key], 'object', key);
    }
    assert.equal(settings.smtp.password, '');
    assert.equal(settings.s3.secret, '');
  });

  test('guests get 401; settings need a superuser', async () => {
    await expectApiError(server.client().settings.getAll(), 401);
    await expectApiError(server.client().settings.update({ meta: { appName: 'x' } }), 401);
  });

  test('update meta.appName: answered, persisted, other keys kept', async () => {
    const updated = await pb.settings.update({ meta: { appName: 'Basalt Test App' } });
    assert.equal(updated.meta.appName, 'Basalt Test App');
    assert.equal(updated.meta.senderName, 'Support', 'a partial update merges');
    assert.equal(updated.batch.maxRequests, 50, 'untouched sections stay');
    const again = await pb.settings.getAll();
    assert.equal(again.meta.appName, 'Basalt Test App');
    assert.equal(again.meta.appURL, 'http://localhost:8090');
  });

  test('update batch settings', async () => {
    const updated = await pb.settings.update({ batch: { enabled: true, maxRequests: 7, timeout: 5 } });
    assert.equal(updated.batch.enabled, true);
    assert.equal(updated.batch.maxRequests, 7);
    assert.equal(updated.batch.timeout, 5);
    const back = await pb.settings.update({ batch: { enabled: false } });
    assert.equal(back.batch.enabled, false);
    assert.equal(back.batch.maxRequests, 7);
  });

  test('invalid meta values → 400 with field problems; nothing applied', async () => {
    const before = await pb.settings.getAll();
    const err = await expectApiError(
      pb.settings.update({ meta: { appName: '', appURL: 'not a url', senderAddress: 'nope' } }),
      400,
    );
    assertProblem(err.data, 'meta.appName', 'validation_required');
    assertProblem(err.data, 'meta.appURL');
    assertProblem(err.data, 'meta.senderAddress');
    assert.deepEqual(await pb.settings.getAll(), before);
  });

  test('invalid batch values → 400 data.batch.*', async () => {
    const err = await expectApiError(pb.settings.update({ batch: { enabled: true, maxRequests: 0 } }), 400);
    assertProblem(err.data, 'batch.maxRequests', 'validation_required');
    const neg = await expectApiError(pb.settings.update({ batch: { maxBodySize: -1 } }), 400);
    assertProblem(neg.data, 'batch.maxBodySize');
    assert.equal((await pb.settings.getAll()).batch.enabled, false);
  });

  test('appName longer than 255 → 400', async () => {
    const err = await expectApiError(pb.settings.update({ meta: { appName: 'x'.repeat(256) } }), 400);
    assertProblem(err.data, 'meta.appName');
  });

  test('settings survive a restart on the same data dir', async () => {
    await pb.settings.update({ meta: { appName: 'Persisted Name' } });
    const { createBasalt } = await import('../../src/app/app.ts');
    const { defaultConfig } = await import('../../src/config/index.ts');
    const pino = (await import('pino')).default;
    // a second app on the same dir reads what the first wrote
    const second = createBasalt({
      config: defaultConfig({ http: '127.0.0.1:0', dir: server.dir }),
      logger: pino({ level: 'silent' }),
    });
    await second.bootstrap();
    try {
      assert.equal(second.services.settings.get().meta.appName, 'Persisted Name');
    } finally {
      await second.close();
    }
  });
});
