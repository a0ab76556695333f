import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import type { CollectionRegistry } from '../data/collections/collection-registry.ts';
import { superuserContext } from '../data/records/record-context.ts';
import type { RecordEvent, RecordsService } from '../data/records/records-service.ts';
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
import type { Webhook, WebhookDelivery } from './webhook-types.ts';
import { validateWebhookInput } from './webhook-validate.ts';

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
 * webhook queue (so deliveries survive crashes and retry with backoff); each attempt
 * is logged and counted toward the webhook's failure streak.
 */
export class WebhooksService {
  readonly #o: WebhooksServiceOptions;

  constructor(options: WebhooksServiceOptions) {
    this.#o = options;
    options.records.onChange((event) => void this.#onRecordEvent(event));
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

  async #onRecordEvent(event: RecordEvent): Promise<void> {
    try {
      const hooks = await activeWebhooksFor(this.#o.db, event.collection.name, event.collection.id);
      const wanted = hooks.filter((h) => h.events.includes(event.action));
      if (!wanted.length) return;
      const ctx = superuserContext();
      const [record] = await this.#o.records.toJSON(event.collection, [event.record], ctx);
      const [before] = event.before
        ? await this.#o.records.toJSON(event.collection, [event.before], ctx)
        : [];
      const body = JSON.stringify({
        type: `record.${event.action}`,
        collection: { id: event.collection.id, name: event.collection.name },
        record,
        ...(before ? { before } : {}),
        time: new Date().toISOString(),
      });
      for (const hook of wanted) {
        const payload: DeliveryPayload = { webhookId: hook.id, event: `record.${event.action}`, body };
        await this.#o.jobs.enqueue('webhook', payload, {
          queue: WEBHOOK_QUEUE,
          maxAttempts: hook.maxAttempts,
          backoffMs: hook.backoffMs,
          backoffMaxMs: Math.max(hook.backoffMs, 3_600_000),
        });
      }
    } catch (error) {
      this.#o.logger.error(
        { err: error, collection: event.collection.name },
        'could not queue webhook deliveries',
      );
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
