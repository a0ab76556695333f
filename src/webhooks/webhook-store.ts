import type { Queryable, SqlValue } from '../db/driver.ts';
import { parseJsonOr } from '../lib/json.ts';
import { newRecordId, randomString } from '../lib/random.ts';
import type { Webhook, WebhookDelivery, WebhookEvent } from './webhook-types.ts';
import type { WebhookInput } from './webhook-validate.ts';

/** Defaults of a new webhook. */
export const WEBHOOK_DEFAULTS = { maxFailures: 10, maxAttempts: 5, backoffMs: 10_000 } as const;

type Row = Record<string, unknown>;

function toWebhook(row: Row): Webhook {
  return {
    id: String(row.id),
    name: String(row.name),
    collection: String(row.collection),
    events: parseJsonOr<WebhookEvent[]>(row.events, []),
    url: String(row.url),
    secret: String(row.secret),
    active: Number(row.active) === 1,
    allowPrivate: Number(row.allowPrivate) === 1,
    maxFailures: Number(row.maxFailures),
    maxAttempts: Number(row.maxAttempts),
    backoffMs: Number(row.backoffMs),
    failures: Number(row.failures),
    lastError: (row.lastError as string | null) ?? null,
    disabledAt: row.disabledAt === null ? null : Number(row.disabledAt),
    created: Number(row.created),
    updated: Number(row.updated),
  };
}

/** Inserts a webhook from validated input; a secret is generated when none was given. */
export async function insertWebhook(q: Queryable, input: WebhookInput, now: number): Promise<Webhook> {
  const id = newRecordId();
  await q.run(
    `INSERT INTO "_webhooks" ("id", "name", "collection", "events", "url", "secret", "active", "allowPrivate",
       "maxFailures", "maxAttempts", "backoffMs", "created", "updated")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      input.name ?? '',
      input.collection ?? '',
      JSON.stringify(input.events ?? ['create', 'update', 'delete']),
      input.url ?? '',
      input.secret ?? randomString(40),
      input.active === false ? 0 : 1,
      input.allowPrivate ? 1 : 0,
      input.maxFailures ?? WEBHOOK_DEFAULTS.maxFailures,
      input.maxAttempts ?? WEBHOOK_DEFAULTS.maxAttempts,
      input.backoffMs ?? WEBHOOK_DEFAULTS.backoffMs,
      now,
      now,
    ],
  );
  return (await findWebhook(q, id)) as Webhook;
}

/** Applies validated changes; turning a webhook on again clears its failure streak. */
export async function updateWebhook(
  q: Queryable,
  id: string,
  input: WebhookInput,
  now: number,
): Promise<Webhook | null> {
  const sets: string[] = [];
  const params: SqlValue[] = [];
  for (const [key, value] of Object.entries(input)) {
    sets.push(`"${key}" = ?`);
    params.push(
      key === 'events'
        ? JSON.stringify(value)
        : typeof value === 'boolean'
          ? value
            ? 1
            : 0
          : (value as SqlValue),
    );
  }
  if (input.active === true) sets.push(`"failures" = 0`, `"disabledAt" = NULL`);
  sets.push(`"updated" = ?`);
  await q.run(`UPDATE "_webhooks" SET ${sets.join(', ')} WHERE "id" = ?`, [...params, now, id]);
  return findWebhook(q, id);
}

export async function findWebhook(q: Queryable, id: string): Promise<Webhook | null> {
  const row = await q.get<Row>(`SELECT * FROM "_webhooks" WHERE "id" = ?`, [id]);
  return row ? toWebhook(row) : null;
}

export async function listWebhooks(q: Queryable): Promise<Webhook[]> {
  return (await q.all<Row>(`SELECT * FROM "_webhooks" ORDER BY "created", "id"`)).map(toWebhook);
}

/** Active webhooks subscribed to a collection (given by name and id). */
export async function activeWebhooksFor(q: Queryable, name: string, id: string): Promise<Webhook[]> {
  const rows = await q.all<Row>(`SELECT * FROM "_webhooks" WHERE "active" = 1 AND "collection" IN (?, ?)`, [
    name,
    id,
  ]);
  return rows.map(toWebhook);
}

/** Deletes a webhook and its delivery log. */
export async function deleteWebhook(q: Queryable, id: string): Promise<boolean> {
  await q.run(`DELETE FROM "_webhook_deliveries" WHERE "webhookId" = ?`, [id]);
  return (await q.run(`DELETE FROM "_webhooks" WHERE "id" = ?`, [id])).changes > 0;
}

/**
 * Logs one attempt and updates the failure streak: a success resets it, a failure
 * adds one and disables the webhook when the streak reaches `maxFailures`.
 */
export async function recordAttempt(q: Queryable, d: Omit<WebhookDelivery, 'id'>): Promise<void> {
  await q.run(
    `INSERT INTO "_webhook_deliveries" ("id", "webhookId", "jobId", "event", "attempt", "url", "status", "ok",
       "error", "durationMs", "created") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      newRecordId(),
      d.webhookId,
      d.jobId,
      d.event,
      d.attempt,
      d.url,
      d.status,
      d.ok ? 1 : 0,
      d.error,
      d.durationMs,
      d.created,
    ],
  );
  if (d.ok) {
    await q.run(`UPDATE "_webhooks" SET "failures" = 0, "lastError" = NULL WHERE "id" = ?`, [d.webhookId]);
    return;
  }
  await q.run(
    `UPDATE "_webhooks" SET "failures" = "failures" + 1, "lastError" = ?,
       "active" = CASE WHEN "failures" + 1 >= "maxFailures" THEN 0 ELSE "active" END,
       "disabledAt" = CASE WHEN "failures" + 1 >= "maxFailures" AND "active" = 1 THEN ? ELSE "disabledAt" END
     WHERE "id" = ?`,
    [d.error, d.created, d.webhookId],
  );
}

/** The delivery log of a webhook, newest first. */
export async function listDeliveries(
  q: Queryable,
  webhookId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await q.all<Row>(
    `SELECT * FROM "_webhook_deliveries" WHERE "webhookId" = ? ORDER BY "created" DESC, "attempt" DESC LIMIT ?`,
    [webhookId, limit],
  );
  return rows.map((r) => ({
    ...(r as unknown as WebhookDelivery),
    ok: Number(r.ok) === 1,
    status: Number(r.status),
  }));
}
