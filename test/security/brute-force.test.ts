import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { authCollectionWithUsers, PASSWORD } from './security-fixture.ts';

describe('security: password guessing is throttled', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer();
    await authCollectionWithUsers(await server.superuser(), 'bf_users', ['target@bf.test']);
  });
  after(() => server.stop());

  const signIn = (password: string) =>
    http(server.url, 'POST', '/api/collections/bf_users/auth-with-password', {
      body: { identity: 'target@bf.test', password },
    });

  test('after a handful of failures even the right password is refused with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(`guess-${i}`)).status);
    assert.equal(statuses[0], 400);
    assert.ok(statuses.includes(429), `statuses: ${statuses}`);
    const right = await signIn(PASSWORD);
    assert.equal(right.status, 429, 'the correct password does not get through while throttled');
    assert.equal(right.body.token, undefined);
  });
});
