import type { SqlValue } from '../db/index.ts';
import { type QuotedFacts, requestDataText, requestLogMessage } from './request-log-row.ts';

/** Bytes of a new batch buffer; it doubles when a busy window fills it. */
const INITIAL_BYTES = 64 * 1024;

/** The fourth field of a line, its kind: what the fields after it are. */
const ENTRY = 'E';
const REQUEST = 'R';

/**
 * Queued request log entries as one block of UTF-8 text outside the JavaScript heap:
 * one line per entry, `id TAB level TAB created TAB kind TAB …`, where … is either
 * `"message" TAB data` (an entry given whole: the message as a JSON string, the data as
 * JSON text) or a request's facts (`QuotedFacts`, tab-separated), from which the data and
 * the message are made by `decodeLogBatch`, where the batch is written: on the writer
 * thread under load, not on the thread that answers requests. No field holds a raw tab
 * or line break.
 *
 * Each entry is written into the buffer when it is queued and its strings are garbage at
 * once. Held as strings until the write (up to 250 ms, thousands of entries), they outlived
 * the young generation's collections, were copied twice and collected again as old
 * garbage. A batch is handed to the writer as one byte array: transferred, not copied,
 * when the writer is a worker thread.
 */
export class LogBatch {
  #bytes: Buffer | null = null;
  #used = 0;
  /** entries in the batch */
  count = 0;

  /** Appends one entry. `data` must be JSON text (`JSON.stringify` output or equivalent). */
  append(id: string, level: number, created: string, message: string, data: string): void {
    this.#write(`${id}\t${level}\t${created}\t${ENTRY}\t${JSON.stringify(message)}\t${data}\n`);
  }

  /** Appends a request's entry as its facts; its data and message are made when the batch is decoded. */
  appendRequest(id: string, level: number, created: string, f: QuotedFacts): void {
    let line = `${id}\t${level}\t${created}\t${REQUEST}\t${f.method}\t${f.url}\t${f.status}\t${f.ms}`;
    line += `\t${f.referer}\t${f.userAgent}\t${f.principal}\t${f.requestId}\t${f.ip}\t${f.remoteIP}`;
    this.#write(`${line}\t${f.traceId}\t${f.authId ? 1 : 0}\n`);
  }

  #write(line: string): void {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    const room = line.length * 3;
    let bytes = this.#bytes;
    if (!bytes || this.#used + room > bytes.length) bytes = this.#grow(room);
    this.#used += bytes.write(line, this.#used);
    this.count++;
  }

  /** The batch so far, emptied; null when there is nothing. The bytes are the caller's. */
  take(): Uint8Array | null {
    if (!this.#bytes || this.count === 0) return null;
    const taken = new Uint8Array(this.#bytes.buffer, this.#bytes.byteOffset, this.#used);
    this.#bytes = null;
    this.#used = 0;
    this.count = 0;
    return taken;
  }

  #grow(room: number): Buffer {
    const old = this.#bytes;
    let size = old ? old.length * 2 : INITIAL_BYTES;
    while (size < this.#used + room) size *= 2;
    // its own ArrayBuffer (not Node's shared pool), so the batch can be transferred
    const bytes = Buffer.allocUnsafeSlow(size);
    if (old) old.copy(bytes, 0, 0, this.#used);
    this.#bytes = bytes;
    return bytes;
  }
}

/** Per-entry column values of a batch, in `LOG_COLUMNS` order. */
export function decodeLogBatch(bytes: Uint8Array): SqlValue[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const values: SqlValue[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const fields = text.slice(start, end).split('\t');
    const created = fields[2];
    let message: string;
    let data: string;
    if (fields[3] === REQUEST) {
      const facts = requestFacts(fields);
      message = requestLogMessage(facts.method, JSON.parse(facts.url) as string);
      data = requestDataText(facts);
    } else {
      message = JSON.parse(fields[4]) as string;
      data = fields[5];
    }
    values.push(fields[0], Number(fields[1]), message, data, created, created);
    start = end + 1;
  }
  return values;
}

/** The facts of a request line's fields (see `LogBatch.appendRequest`). */
function requestFacts(fields: string[]): QuotedFacts {
  return {
    method: fields[4],
    url: fields[5],
    status: Number(fields[6]),
    ms: Number(fields[7]),
    referer: fields[8],
    userAgent: fields[9],
    principal: fields[10],
    requestId: fields[11],
    ip: fields[12],
    remoteIP: fields[13],
    traceId: fields[14],
    authId: fields[15] === '1',
  };
}
