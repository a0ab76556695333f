/** The record events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = ['create', 'update', 'delete'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A webhook subscription as the API shows it. Times are epoch ms. */
export interface Webhook {
  id: string;
  name: string;
  /** collection name or id whose record events are sent */
  collection: string;
  events: WebhookEvent[];
  url: string;
  /** the HMAC key receivers verify signatures with */
  secret: string;
  active: boolean;
  /** lets this webhook reach private, loopback and link-local addresses */
  allowPrivate: boolean;
  /** consecutive failed attempts after which the webhook is disabled */
  maxFailures: number;
  /** attempts per event before its delivery job is dead-lettered */
  maxAttempts: number;
  /** first retry delay of a failed delivery (doubles per attempt, with jitter) */
  backoffMs: number;
  /** consecutive failed attempts so far (reset by a success) */
  failures: number;
  lastError: string | null;
  disabledAt: number | null;
  created: number;
  updated: number;
}

/** One delivery attempt in the log. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  jobId: string;
  event: string;
  attempt: number;
  url: string;
  status: number;
  ok: boolean;
  error: string | null;
  durationMs: number;
  created: number;
}
