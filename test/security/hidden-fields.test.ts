import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { http, startServer, type TestServer } from '../helpers/server.ts';
import { authCollectionWithUsers, PASSWORD } from './security-fixture.ts';

/** password, tokenKey and hidden emails must not leak through filter, sort, expand or fields, from any side. */
describe('security: hidden field leaks', () => {
  let server: TestServer;
  let admin: PocketBase;
  let ids: Record<string, string>;
  let token: string;

  before(async () => {
    server = await startServer();
    admin = await server.superuser();
    ids = await authCollectionWithUsers(admin, 'hf_users', ['zoe@hf.test', 'max@hf.test'], {
      listRule: '',
      viewRule: '',
    });
    await admin.collections.create({
      name: 'hf_posts',
      type: 'base',
      listRule: '',
      viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        {
          name: 'author',
          type: 'relation',
          collectionId: (await admin.collections.getOne('hf_users')).id,
          maxSelect: 1,
        },
      ],
    });
    await admin.collection('hf_posts').create({ title: 'by zoe', author: ids['zoe@hf.test'] });
    token = (await server.client().collection('hf_users').authWithPassword('max@hf.test', PASSWORD)).token;
  });
  after(() => server.stop());

  const get = (path: string, asMax = false) =>
    http(server.url, 'GET', `/api/collections/${path}`, { token: asMax ? token : undefined });
  const q = encodeURIComponent;

  test('answers never carry password or tokenKey, whatever fields and expand ask for', async () => {
    for (const asMax of [false, true]) {
      const answers = [
        await get(`hf_users/records?fields=*,password,tokenKey,email`, asMax),
        await get(
          `hf_posts/records?expand=author&fields=*,expand.author.password,expand.author.tokenKey`,
          asMax,
        ),
        await get(`hf_posts/records?expand=author`, asMax),
        await get(`hf_users/records?expand=hf_posts_via_author`, asMax),
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        const text = JSON.stringify(answer.body);
        assert.ok(
          !text.includes('tokenKey') && !text.includes('password') && !text.includes('$argon2'),
          text,
        );
        assert.ok(!text.includes('zoe@hf.test'), `zoe's hidden email leaked: ${text}`);
      }
    }
  });

  test('filters on hidden fields are refused, directly and through relations', async () => {
    for (const filter of ['password != ""', 'tokenKey ~ "a"', 'password ~ "$argon2id"'])
      assert.equal((await get(`hf_users/records?filter=${q(filter)}`, true)).status, 400, filter);
    for (const filter of ['author.password != ""', 'author.tokenKey != ""'])
      assert.equal((await get(`hf_posts/records?filter=${q(filter)}`)).status, 400, filter);
  });

  test('a hidden email cannot be probed by filter, even through a relation', async () => {
    const count = async (path: string) => (await get(path)).body.totalItems;
    assert.equal(await count(`hf_users/records?filter=${q('email = "zoe@hf.test"')}`), 0);
    assert.equal(await count(`hf_users/records?filter=${q('email ~ "zoe"')}`), 0);
    assert.equal(await count(`hf_posts/records?filter=${q('author.email = "zoe@hf.test"')}`), 0);
    assert.equal(await count(`hf_posts/records?filter=${q('author.email ~ "z%"')}`), 0);
    // the superuser's count shows the probes would have matched
    const superCount = await admin
      .collection('hf_posts')
      .getList(1, 1, { filter: 'author.email = "zoe@hf.test"' });
    assert.equal(superCount.totalItems, 1);
  });

  test('sorting by hidden fields is refused, and a hidden email sorts as if absent', async () => {
    assert.equal((await get('hf_users/records?sort=password')).status, 400);
    assert.equal((await get('hf_users/records?sort=tokenKey')).status, 400);
    assert.equal((await get('hf_posts/records?sort=author.tokenKey')).status, 400);
    const up = await get('hf_users/records?sort=email');
    const down = await get('hf_users/records?sort=-email');
    const order = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id).join();
    assert.equal(order(up), order(down));
  });
});
