import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordEvent } from '../data/records/records-service.ts';

/** The pub/sub topics realtime uses between nodes. */
export const TOPICS = {
  /** every node's subscription */
  all: 'basalt.realtime.>',
  records: 'basalt.realtime.records',
  custom: 'basalt.realtime.custom',
  direct: 'basalt.realtime.direct',
  authReset: 'basalt.realtime.auth-reset',
} as const;

/** What travels on the bus: plain JSON, so any node (or engine) can read it. */
export type BusMessage =
  | {
      kind: 'record';
      action: RecordEvent['action'];
      collectionId: string;
      record: RecordRow;
      before?: RecordRow;
      /** publish time (ms since epoch), for delivery-latency figures */
      at: number;
    }
  | { kind: 'custom'; topic: string; data: unknown }
  | { kind: 'direct'; clientId: string; event: string; data: unknown }
  /**
   * an auth collection changed (`secret`: its auth token secret) or was deleted
   * (`secret: null`); clients bound under another secret become guests
   */
  | { kind: 'authReset'; collectionId: string; secret: string | null };

/** A record change as it travels on the bus. */
export type RecordBusMessage = Extract<BusMessage, { kind: 'record' }>;

/** The JSON text of a message's data (`null` for nothing). */
export function toJson(data: unknown): string {
  return JSON.stringify(data ?? null);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A committed record change as a bus message. */
export function recordMessage(event: RecordEvent): BusMessage {
  return {
    kind: 'record',
    action: event.action,
    collectionId: event.collection.id,
    record: event.record,
    before: event.before,
    at: Date.now(),
  };
}

/** Bytes for the pub/sub driver; bigints (64-bit integers) travel as numbers. */
export function encodeMessage(message: BusMessage): Uint8Array {
  return encoder.encode(
    JSON.stringify(message, (_key, value) => (typeof value === 'bigint' ? Number(value) : value)),
  );
}

/** Reads a bus message; null for anything malformed (never throws). */
export function decodeMessage(payload: Uint8Array): BusMessage | null {
  try {
    const value = JSON.parse(decoder.decode(payload)) as BusMessage;
    return value && typeof value === 'object' && typeof value.kind === 'string' ? value : null;
  } catch {
    return null;
  }
}
