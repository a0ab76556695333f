import type { SqlValue } from '../db/index.ts';

/** Bytes of a new batch buffer; it doubles when a busy window fills it. */
const INITIAL_BYTES = 64 * 1024;

/**
 * Queued request log entries as one block of UTF-8 text outside the JavaScript heap:
 * one line per entry, `id TAB level TAB created TAB "message" TAB data`, the message as a
 * JSON string and the data as JSON text, so neither holds a raw tab or line break.
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
    const line = `${id}\t${level}\t${created}\t${JSON.stringify(message)}\t${data}\n`;
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
    values.push(fields[0], Number(fields[1]), JSON.parse(fields[3]) as string, fields[4], created, created);
    start = end + 1;
  }
  return values;
}
