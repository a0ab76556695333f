import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';
import { WEBHOOK_EVENTS, type Webhook, type WebhookEvent } from './webhook-types.ts';

/** The fields a client may set. */
export type WebhookInput = Partial<
  Pick<
    Webhook,
    | 'name'
    | 'collection'
    | 'events'
    | 'url'
    | 'secret'
    | 'active'
    | 'allowPrivate'
    | 'maxFailures'
    | 'maxAttempts'
    | 'backoffMs'
  >
>;

const NUMBERS = { maxFailures: [1, 1000], maxAttempts: [1, 50], backoffMs: [0, 86_400_000] } as const;

/**
 * Checks a create (every required field) or update (only what is present) body and
 * answers the clean input; throws one 400 listing every problem.
 */
export function validateWebhookInput(
  body: unknown,
  mode: 'create' | 'update',
  collectionExists: (nameOrId: string) => boolean,
): WebhookInput {
  if (!isPlainObject(body)) throw new ApiError('validation_failed', 'The body must be a JSON object.');
  const problems: ErrorData = {};
  const out: WebhookInput = {};
  const need = (key: string) => mode === 'create' && body[key] === undefined;
  if (body.url !== undefined || need('url')) {
    let ok = false;
    try {
      const url = new URL(String(body.url));
      ok = typeof body.url === 'string' && (url.protocol === 'http:' || url.protocol === 'https:');
    } catch {}
    if (ok) out.url = body.url as string;
    else problems.url = fieldError('validation_invalid_url', 'Must be an http:// or https:// URL.');
  }
  if (body.collection !== undefined || need('collection')) {
    if (typeof body.collection === 'string' && collectionExists(body.collection))
      out.collection = body.collection;
    else
      problems.collection = fieldError(
        'validation_missing_collection',
        'Must be the name or id of an existing collection.',
      );
  }
  if (body.events !== undefined) {
    const events = body.events;
    if (
      Array.isArray(events) &&
      events.length > 0 &&
      events.every((e) => WEBHOOK_EVENTS.includes(e as WebhookEvent))
    )
      out.events = [...new Set(events as WebhookEvent[])];
    else
      problems.events = fieldError(
        'validation_invalid_events',
        `A non-empty list of ${WEBHOOK_EVENTS.join(', ')}.`,
      );
  }
  for (const key of ['name', 'secret'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (
      typeof value === 'string' &&
      value.length <= (key === 'secret' ? 500 : 200) &&
      (key === 'name' || value.length >= 16)
    )
      out[key] = value;
    else
      problems[key] = fieldError(
        'validation_invalid_value',
        key === 'secret'
          ? 'A secret is a string of 16 to 500 characters.'
          : 'A name is a string of at most 200 characters.',
      );
  }
  for (const key of ['active', 'allowPrivate'] as const) {
    if (body[key] === undefined) continue;
    if (typeof body[key] === 'boolean') out[key] = body[key];
    else problems[key] = fieldError('validation_invalid_bool', 'Must be true or false.');
  }
  for (const [key, [min, max]] of Object.entries(NUMBERS) as [
    keyof typeof NUMBERS,
    readonly [number, number],
  ][]) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
      out[key] = value;
    else problems[key] = fieldError('validation_invalid_number', `Must be an integer from ${min} to ${max}.`);
  }
  if (Object.keys(problems).length) throw new ApiError('validation_failed', 'Invalid webhook.', problems);
  return out;
}
