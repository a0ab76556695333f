/**
 * The measured requests, per server: what autocannon sends, and a check run before
 * timing that the answers are right (status 200 and the expected shape and values),
 * so a fast stream of errors can never pass for a result.
 */
import type { Request } from 'autocannon';
import { expectedListTotal, LIST_FILTER, newPost, seedId, seedRow } from './seed-rows.ts';

/** A server as a scenario sees it: which API dialect, where, and who is asking. */
export interface Target {
  kind: 'basalt' | 'baseline';
  url: string;
  /** sent as the Authorization header (Basalt's superuser variant) */
  token?: string;
  /** rows seeded */
  seeded: number;
}

export interface Scenario {
  name: 'view' | 'list' | 'create';
  description: string;
  /** the least Basalt/baseline throughput ratio that passes */
  target: number;
  requests(t: Target): (Request & { setupRequest?: (r: Request) => Request })[];
  check(t: Target): Promise<void>;
}

const RECORDS = '/api/collections/posts/records';
const BASALT_LIST = `${RECORDS}?filter=${encodeURIComponent(`status="${LIST_FILTER.status}" && views > ${LIST_FILTER.minViews}`)}&sort=-views&perPage=50`;
const BASELINE_LIST = `${RECORDS}?status=${LIST_FILTER.status}&views=${LIST_FILTER.minViews}&perPage=50`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'view',
    description: 'GET one record by a random seeded id',
    target: 0.6,
    requests: (t) => [
      {
        method: 'GET',
        headers: auth(t),
        setupRequest: (r) => ({ ...r, path: `${RECORDS}/${randomSeedId(t)}` }),
      },
    ],
    async check(t) {
      for (let k = 0; k < 20; k++) {
        const i = Math.floor(Math.random() * t.seeded);
        const body = await get(t, `${RECORDS}/${seedId(i)}`);
        expectRecord(body, seedRow(i), 'view');
      }
    },
  },
  {
    name: 'list',
    description: 'GET 50 records, filter status+views, sort -views, with total',
    target: 0.6,
    requests: (t) => [
      { method: 'GET', headers: auth(t), path: t.kind === 'basalt' ? BASALT_LIST : BASELINE_LIST },
    ],
    async check(t) {
      const body = await get(t, t.kind === 'basalt' ? BASALT_LIST : BASELINE_LIST);
      const expected = expectedListTotal(t.seeded);
      must(body.totalItems === expected, `list: totalItems ${body.totalItems}, expected ${expected}`);
      must(body.perPage === 50 && body.page === 1, 'list: page/perPage');
      must(
        Array.isArray(body.items) && body.items.length === 50,
        `list: ${body.items?.length} items, expected 50`,
      );
      body.items.forEach((item: any, k: number) => {
        must(
          item.status === LIST_FILTER.status && item.views > LIST_FILTER.minViews,
          `list: item ${k} does not match the filter`,
        );
        must(k === 0 || body.items[k - 1].views >= item.views, `list: item ${k} is out of order`);
      });
      must(body.items[0].views === 999, 'list: the first item should have the most views');
    },
  },
  {
    name: 'create',
    description: 'POST one record (JSON), one transaction per request',
    target: 1,
    requests(t) {
      let n = 0;
      const headers = { ...auth(t), 'content-type': 'application/json' };
      return [
        {
          method: 'POST',
          path: RECORDS,
          headers,
          setupRequest: (r) => ({ ...r, body: JSON.stringify(newPost(n++)) }),
        },
      ];
    },
    async check(t) {
      const post = newPost(1);
      const body = await call(t, 'POST', RECORDS, post);
      must(typeof body.id === 'string' && /^[a-z0-9]{15}$/.test(body.id), `create: bad id ${body.id}`);
      must(typeof body.created === 'string' && body.created.length > 0, 'create: no created date');
      expectRecord(body, { ...post, id: body.id }, 'create');
      expectRecord(await get(t, `${RECORDS}/${body.id}`), { ...post, id: body.id }, 'create then view');
    },
  },
];

function auth(t: Target): Record<string, string> {
  return t.token ? { authorization: t.token } : {};
}

function randomSeedId(t: Target): string {
  return seedId(Math.floor(Math.random() * t.seeded));
}

function expectRecord(
  body: any,
  row: { id: string; title: string; views: number; status: string },
  what: string,
): void {
  for (const key of ['id', 'title', 'views', 'status'] as const) {
    must(
      body?.[key] === row[key],
      `${what}: ${key} is ${JSON.stringify(body?.[key])}, expected ${JSON.stringify(row[key])}`,
    );
  }
  must(body.collectionName === 'posts', `${what}: collectionName is ${body.collectionName}`);
}

async function get(t: Target, path: string): Promise<any> {
  return call(t, 'GET', path);
}

async function call(t: Target, method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { ...auth(t) };
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(t.url + path, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  must(
    response.status === 200,
    `${t.kind} ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
  );
  return JSON.parse(text);
}

function must(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(`check failed: ${message}`);
}
