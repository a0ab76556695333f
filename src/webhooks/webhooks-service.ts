import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import type { CollectionRegistry } from '../data/collections/collection-registry.ts';
import { superuserContext } from '../data/records/record-context.ts';
import type { Collection } from '../data/collection-types.ts';
import type { RecordHooks, RecordWriteEvent } from '../data/records/record-hooks.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import type { Job, JobsService } from '../jobs/index.ts';
import { ApiError } from '../lib/errors.ts';
import { deliver } from './webhook-deliver.ts';
import { SIGNATURE_HEADERS, signDelivery } from './webhook-signature.ts';
import {
  activeWebhooksFor,
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  recordAttempt,
  updateWebhook,
} from './webhook-store.ts';
import type { Webhook, WebhookDelivery, WebhookEvent } from './webhook-types.ts';
import { validateWebhookInput } from './webhook-validate.ts';

// the id of the record hooks that queue deliveries (`basalt.` ids are Basalt's own)
const HOOK_ID = 'basalt.webhooks';

/** The queue webhook deliveries run on. */
export const WEBHOOK_QUEUE = 'basalt.webhooks';

interface DeliveryPayload {
  webhookId: string;
  event: string;
  body: string;
}

/** Settings of the webhooks service. */
export interface WebhooksServiceOptions {
  db: DbDriver;
  jobs: JobsService;
  records: RecordsService;
  registry: CollectionRegistry;
  logger: Logger;
  /** lets every webhook reach private addresses (config); default false */
  allowPrivate?: boolean;
  /** per-attempt timeout; default 10 s */
  timeoutMs?: number;
}

/**
 * Record events → signed HTTP deliveries. Each matching event becomes a job on the
 * webhook queue, written in the record's own transaction (so deliveries exist exactly
 * when the change commits, survive crashes and retry with backoff); each attempt is
 * logged and counted toward the webhook's failure streak.
 */
export class WebhooksService {
  readonly #o: WebhooksServiceOptions;

  constructor(options: WebhooksServiceOptions) {
    this.#o = options;
    this.#bindRecordHooks(options.records.hooks);
    // a dev reload builds a new service on the same jobs service: take the queue over
    void options.jobs.unhandle(WEBHOOK_QUEUE);
    options.jobs.handle(WEBHOOK_QUEUE, (job) => this.#deliver(job), { concurrency: 8, leaseMs: 60_000 });
  }

  list(): Promise<Webhook[]> {
    return listWebhooks(this.#o.db);
  }

  get(id: string): Promise<Webhook | null> {
    return findWebhook(this.#o.db, id);
  }

  create(body: unknown): Promise<Webhook> {
    const input = validateWebhookInput(body, 'create', (c) => this.#collectionExists(c));
    return this.#o.db.transaction((tx) => insertWebhook(tx, input, Date.now()));
  }

  async update(id: string, body: unknown): Promise<Webhook> {
    const input = validateWebhookInput(body, 'update', (c) => this.#collectionExists(c));
    const hook = await this.#o.db.transaction((tx) => updateWebhook(tx, id, input, Date.now()));
    if (!hook) throw new ApiError('not_found');
    return hook;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#o.db.transaction((tx) => deleteWebhook(tx, id)))) throw new ApiError('not_found');
  }

  deliveries(id: string, limit = 100): Promise<WebhookDelivery[]> {
    return listDeliveries(this.#o.db, id, limit);
  }

  #collectionExists(nameOrId: string): boolean {
    return Boolean(this.#o.registry.find(nameOrId));
  }

  /**
   * Binds the outermost record hooks: once the write (and every inner handler) has run,
   * delivery jobs are enqueued in the write's own transaction, so an event is queued
   * if and only if its record change commits.
   */
  #bindRecordHooks(hooks: RecordHooks): void {
    const priority = -1_000_000;
    for (const hook of [hooks.create, hooks.update, hooks.delete]) hook.unbind(HOOK_ID);
    hooks.create.bind({
      id: HOOK_ID,
      priority,
      fn: async (e) => {
        await e.next();
        if (e.record) await this.#queue(e, 'create', e.collection, e.record);
      },
    });
    hooks.update.bind({
      id: HOOK_ID,
      priority,
      fn: async (e) => {
        await e.next();
        if (e.record) await this.#queue(e, 'update', e.collection, e.record, e.original ?? undefined);
      },
    });
    hooks.delete.bind({
      id: HOOK_ID,
      priority,
      fn: async (e) => {
        await e.next();
        for (const { collection, row } of e.deleted) await this.#queue(e, 'delete', collection, row);
      },
    });
  }

  async #queue(
    e: RecordWriteEvent,
    action: WebhookEvent,
    collection: Collection,
    row: RecordRow,
    before?: RecordRow,
  ): Promise<void> {
    const hooks = await activeWebhooksFor(e.tx, collection.name, collection.id);
    const wanted = hooks.filter((h) => h.events.includes(action));
    if (!wanted.length) return;
    const ctx = superuserContext();
    const [record] = await this.#o.records.toJSON(collection, [row], ctx);
    const [previous] = before ? await this.#o.records.toJSON(collection, [before], ctx) : [];
    const body = JSON.stringify({
      type: `record.${action}`,
      collection: { id: collection.id, name: collection.name },
      record,
      ...(previous ? { before: previous } : {}),
      time: new Date().toISOString(),
    });
    for (const hook of wanted) {
      const payload: DeliveryPayload = { webhookId: hook.id, event: `record.${action}`, body };
      await this.#o.jobs.enqueue('webhook', payload, {
        ...e.inTransaction,
        queue: WEBHOOK_QUEUE,
        maxAttempts: hook.maxAttempts,
        backoffMs: hook.backoffMs,
        backoffMaxMs: Math.max(hook.backoffMs, 3_600_000),
      });
    }
  }

  async #deliver(job: Job): Promise<unknown> {
    const payload = job.payload as DeliveryPayload;
    const hook = await findWebhook(this.#o.db, payload.webhookId);
    // deleted or disabled since the event: nothing to send, and nothing to retry
    if (!hook?.active) return { skipped: hook ? 'webhook disabled' : 'webhook deleted' };
    const started = Date.now();
    const timestamp = Math.floor(started / 1000);
    let status = 0;
    let error: string | null = null;
    try {
      ({ status } = await deliver({
        url: hook.url,
        body: payload.body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Basalt-Webhooks/1',
          [SIGNATURE_HEADERS.timestamp]: String(timestamp),
          [SIGNATURE_HEADERS.signature]: signDelivery(hook.secret, timestamp, payload.body),
          [SIGNATURE_HEADERS.event]: job.id,
          [SIGNATURE_HEADERS.webhook]: hook.id,
        },
        allowPrivate: hook.allowPrivate || this.#o.allowPrivate === true,
        timeoutMs: this.#o.timeoutMs ?? 10_000,
        maxRedirects: 3,
      }));
      if (status < 200 || status > 299) error = `the receiver answered HTTP ${status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    await this.#o.db.transaction((tx) =>
      recordAttempt(tx, {
        webhookId: hook.id,
        jobId: job.id,
        event: payload.event,
        attempt: job.attempts,
        url: hook.url,
        status,
        ok: error === null,
        error,
        durationMs: Date.now() - started,
        created: Date.now(),
      }),
    );
    if (error) throw new Error(error);
    return { status };
  }
}
