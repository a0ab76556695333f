/**
 * Preparing a running Basalt server for the bench over its HTTP API, as an app would:
 * sign in as superuser, create the `posts` collection with open rules, enable batch,
 * and seed it with `seedRow(0..n-1)` in batches of up to 1000 creates.
 */
import { seedRow } from './seed-rows.ts';

export const SUPERUSER = { email: 'bench@example.com', password: 'bench-password-1234' };

/** Calls the API and answers the parsed JSON; any status but 2xx throws with the body. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function signIn(base: string): Promise<string> {
  const { token } = await api<{ token: string }>(
    base,
    'POST',
    '/api/collections/_superusers/auth-with-password',
    {
      identity: SUPERUSER.email,
      password: SUPERUSER.password,
    },
  );
  return token;
}

/** `posts`: title, views, status, created; index on (status, views); guests may list, view and create. */
export async function createPostsCollection(base: string, token: string): Promise<void> {
  await api(
    base,
    'POST',
    '/api/collections',
    {
      name: 'posts',
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'status', type: 'select', values: ['draft', 'published'], maxSelect: 1 },
        { name: 'created', type: 'autodate', onCreate: true },
      ],
      indexes: ['CREATE INDEX idx_posts_status_views ON posts (status, views)'],
    },
    token,
  );
}

/** Seeds `n` posts through POST /api/batch, `concurrency` batches in flight; answers seconds taken. */
export async function seedPosts(
  base: string,
  token: string,
  n: number,
  batchSize = 1000,
  concurrency = 2,
): Promise<number> {
  await api(
    base,
    'PATCH',
    '/api/settings',
    { batch: { enabled: true, maxRequests: batchSize, timeout: 60 } },
    token,
  );
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + batchSize);
      const requests = [];
      for (let i = from; i < next; i++) {
        requests.push({ method: 'POST', url: '/api/collections/posts/records', body: seedRow(i) });
      }
      await api(base, 'POST', '/api/batch', { requests }, token);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}
