import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a delivery. */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-basalt-timestamp',
  signature: 'x-basalt-signature',
  event: 'x-basalt-event-id',
  webhook: 'x-basalt-webhook-id',
} as const;

/**
 * The signature header value: `v1=` and the hex HMAC-SHA256, keyed by the webhook's
 * secret, of `<timestamp>.<raw body>`. The timestamp (unix seconds) is signed too so a
 * captured delivery cannot be replayed later under a fresh timestamp.
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a received delivery the way a receiver should: same HMAC, compared in constant
 * time, and a timestamp no further than `toleranceSec` from now.
 */
export function verifyDelivery(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  toleranceSec = 300,
  nowSec = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(signDelivery(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
