/**
 * A small blog on Basalt used as a framework: its own collections, a validating hook,
 * a job queued after each new post, a daily cron schedule and two custom routes.
 *
 *   node examples/blog/main.ts serve --dir ./blog_data
 *
 * Everything the `basalt` binary does works here too (`superuser upsert`, `migrate`, `--help`).
 */
import { ApiError, createBasalt, superuserContext } from 'basalt';

const app = createBasalt();

// First start: create the collections (bootstrap runs on every start, so check first).
app.onBootstrap().bindFunc(async (e) => {
  const { collections } = app.services;
  if (!collections.find('posts')) {
    await collections.create({
      name: 'posts',
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      fields: [
        { name: 'title', type: 'text', required: true, max: 120 },
        { name: 'slug', type: 'text' },
        { name: 'body', type: 'editor' },
      ],
    });
  }
  if (!collections.find('notifications')) {
    await collections.create({
      name: 'notifications',
      type: 'base',
      listRule: null, // superusers only
      fields: [
        { name: 'post', type: 'text' },
        { name: 'message', type: 'text' },
      ],
    });
  }
  await e.next();
});

// Validate and fill in a post before it is written (inside the write's transaction).
app.onRecordCreate('posts').bindFunc(async (e) => {
  const title = String(e.body.title ?? '').trim();
  if (title.length < 3) {
    throw new ApiError('validation_failed', 'Failed to create the post.', {
      title: { code: 'validation_title_too_short', message: 'A title needs at least 3 characters.' },
    });
  }
  e.body.slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  await e.next();
});

// After the post is committed, queue the follow-up work. The idempotency key makes a
// repeated enqueue for the same post a no-op.
app.onRecordAfterCreateSuccess('posts').bindFunc(async (e) => {
  await app.jobs.enqueue(
    'notify-new-post',
    { id: e.record.id, title: e.record.title },
    {
      idempotencyKey: `new-post:${e.record.id}`,
      maxAttempts: 5,
    },
  );
  await e.next();
});

// The job: retried with backoff if it throws, dead-lettered after maxAttempts.
app.jobs.handle('notify-new-post', async (job) => {
  const { id, title } = job.payload as { id: string; title: string };
  const notifications = app.services.collections.require('notifications');
  await app.services.records.create(
    notifications,
    { post: id, message: `New post: ${title}` },
    superuserContext(),
  );
});

// Every morning at 08:00 (Europe/Paris), once across all servers sharing the database.
app.cron.add(
  'daily-digest',
  '0 8 * * *',
  async () => {
    const stats = await blogStats();
    app.logger.info(stats, 'daily digest');
  },
  { timezone: 'Europe/Paris' },
);

// Custom routes, with Basalt's auth context and PocketBase's error shape.
app.routes.get('/api/blog/stats', () => blogStats());
app.routes.post(
  '/api/blog/posts/:id/retitle',
  async (e) => {
    const { title } = (e.body ?? {}) as { title?: string };
    if (!title) throw new ApiError('validation_failed', 'A new title is required.');
    const posts = app.services.collections.require('posts');
    const post = await app.services.records.update(posts, e.params.id, { title }, e.ctx);
    return { id: post.id, title: post.title };
  },
  { auth: 'superuser' },
);

async function blogStats(): Promise<{ posts: number; notifications: number }> {
  const count = async (name: string) =>
    Number((await app.services.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))?.n ?? 0);
  return { posts: await count('posts'), notifications: await count('notifications') };
}

await app.start();
