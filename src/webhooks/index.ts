/** The webhooks component: signed record-event deliveries over the job queue. */
export { SIGNATURE_HEADERS, signDelivery, verifyDelivery } from './webhook-signature.ts';
export type { Webhook, WebhookDelivery, WebhookEvent } from './webhook-types.ts';
export { WEBHOOKS_MIGRATIONS } from './webhooks-schema.ts';
export { WEBHOOK_QUEUE, WebhooksService, type WebhooksServiceOptions } from './webhooks-service.ts';
export { isPrivateAddress } from './ssrf-guard.ts';
