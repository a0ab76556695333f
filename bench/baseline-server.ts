/**
 * The baseline: a minimal hand-written Fastify + `node:sqlite` server with Basalt's table
 * shape for `posts` (same columns, same index), answering the same three requests with
 * the SQL Basalt should be running, and nothing else: no auth, no rules, no logging.
 * Writes are the naive design: one implicit transaction per INSERT (WAL, synchronous=NORMAL).
 * Usage: node bench/baseline-server.ts --port N --db FILE [--seed 100000]
 * Prints `listening on http://…` when seeded and ready.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';
import { type PostInput, seedRow } from './seed-rows.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, db: { type: 'string' }, seed: { type: 'string', default: '100000' } },
});
if (!values.port || !values.db) throw new Error('usage: baseline-server.ts --port N --db FILE [--seed N]');

// The DDL Basalt generates for the bench's `posts` collection, and the page cache it sets,
// so reads compare code paths rather than cache sizes.
const db = new DatabaseSync(values.db);
db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -32000;
  CREATE TABLE "posts" ("id" TEXT PRIMARY KEY NOT NULL, "title" TEXT DEFAULT '' NOT NULL,
    "views" NUMERIC DEFAULT 0 NOT NULL, "status" TEXT DEFAULT '' NOT NULL, "created" TEXT DEFAULT '' NOT NULL);
  CREATE INDEX "idx_posts_status_views" ON "posts" ("status", "views");`);

const insert = db.prepare('INSERT INTO posts (id, title, views, status, created) VALUES (?, ?, ?, ?, ?)');
seed(Number(values.seed));

const byId = db.prepare('SELECT * FROM posts WHERE id = ?');
const page = db.prepare(
  'SELECT * FROM posts WHERE status = ? AND views > ? ORDER BY views DESC LIMIT ? OFFSET ?',
);
const count = db.prepare('SELECT COUNT(*) AS n FROM posts WHERE status = ? AND views > ?');
const meta = { collectionId: 'baseline_posts', collectionName: 'posts' };

const server = Fastify();

server.get<{ Params: { id: string } }>('/api/collections/posts/records/:id', async (request, reply) => {
  const row = byId.get(request.params.id);
  if (!row) return reply.code(404).send({ status: 404, message: 'Not found.', data: {} });
  return { ...meta, ...row };
});

server.get<{ Querystring: { status?: string; views?: string; perPage?: string; page?: string } }>(
  '/api/collections/posts/records',
  async (request) => {
    const status = request.query.status ?? 'published';
    const views = Number(request.query.views ?? 0);
    const perPage = Number(request.query.perPage ?? 30);
    const pageNo = Number(request.query.page ?? 1);
    const items = page
      .all(status, views, perPage, (pageNo - 1) * perPage)
      .map((row) => ({ ...meta, ...row }));
    const total = Number((count.get(status, views) as { n: number }).n);
    return { page: pageNo, perPage, totalItems: total, totalPages: Math.ceil(total / perPage), items };
  },
);

server.post<{ Body: PostInput }>('/api/collections/posts/records', async (request) => {
  const body = request.body;
  const row = {
    id: newId(),
    title: String(body.title ?? ''),
    views: Number(body.views ?? 0),
    status: String(body.status ?? ''),
    created: now(),
  };
  insert.run(row.id, row.title, row.views, row.status, row.created);
  return { ...meta, ...row };
});

const address = await server.listen({ host: '127.0.0.1', port: Number(values.port) });
console.log(`listening on ${address}`);
process.on('SIGINT', () => server.close().then(() => db.close()));
process.on('SIGTERM', () => server.close().then(() => db.close()));

function seed(n: number): void {
  const created = now();
  db.exec('BEGIN');
  for (let i = 0; i < n; i++) {
    const row = seedRow(i);
    insert.run(row.id, row.title, row.views, row.status, created);
  }
  db.exec('COMMIT');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newId(): string {
  let id = '';
  for (const byte of randomBytes(15)) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** PocketBase's datetime format: `2006-01-02 15:04:05.000Z`. */
function now(): string {
  return new Date().toISOString().replace('T', ' ');
}
