import * as onExit from 'on-exit-leak-free';
import sonicBoom, { type SonicBoom } from 'sonic-boom';

/** bytes of one block the lines are encoded into */
const BLOCK_BYTES = 256 * 1024;
/**
 * Lines are handed to the writer once this many bytes wait… Each write is a round trip
 * through libuv's thread pool, whose thread takes the core from the event loop for a
 * moment; at 16 KB a loaded server made hundreds a second.
 */
const HAND_OVER_BYTES = 64 * 1024;
/** …or this long after the first of them was written */
const HAND_OVER_MS = 500;
/** ASCII lines are joined until this many characters wait, then copied into the block at once */
const ASCII_COPY_CHARS = 16 * 1024;

/**
 * The process logger's destination: JSON lines to a file descriptor, written by
 * sonic-boom off the event loop in blocks of 64 KB, or half a second after a line came,
 * whichever is first.
 *
 * Each line is encoded once, straight into a block of memory, and the writer gets one
 * slice of that block per 64 KB. Handing sonic-boom the lines as text made it copy them
 * several times: it kept them as one growing string, measured its byte length on every
 * write, and encoded it twice, once to write and once to account for what was written.
 * At one access line per request, that was a few percent of a record view's CPU.
 */
export class LogStream {
  readonly #writer: SonicBoom;
  #block = Buffer.allocUnsafe(BLOCK_BYTES);
  /** bytes of the block filled with lines */
  #used = 0;
  /** ASCII lines not yet copied into the block, joined (see `writeAscii`) */
  #ascii = '';
  /** bytes of the block already handed to the writer */
  #handed = 0;
  #timer: NodeJS.Timeout | null = null;
  #broken = false;
  /** bytes handed to the writer, and bytes it has written, since the start */
  #handedTotal = 0;
  #writtenTotal = 0;
  /** `flush` callbacks waiting for the writer to catch up with what it was handed */
  #flushWaiters: { until: number; done: (error?: Error) => void }[] = [];

  constructor(fd: number) {
    this.#writer = new sonicBoom.SonicBoom({ fd, contentMode: 'buffer', sync: false, maxWrite: HAND_OVER_BYTES });
    this.#writer.on('write', (bytes: number) => this.#wrote(bytes));
    this.#writer.on('error', (error: NodeJS.ErrnoException) => {
      // the reader went away (a closed pipe): there is nowhere left to log to
      if (error.code !== 'EPIPE') throw error;
      this.#broken = true;
      this.#wrote(Number.POSITIVE_INFINITY);
    });
    // lines still held when the process exits are written synchronously
    onExit.register(this, (stream: LogStream) => stream.flushSync());
  }

  /** Takes one or more whole lines (pino calls it once per line). */
  write(text: string): void {
    this.#copyAscii();
    // a line needs at most 3 bytes per UTF-16 unit; the exact length is only worked out near the end of a block
    if (this.#used + text.length * 3 > this.#block.length) this.#makeRoom(Buffer.byteLength(text));
    this.#used += this.#block.write(text, this.#used);
    this.#written();
  }

  /**
   * `write` for text the caller knows is ASCII, such as an access line joined from many
   * pieces. Copying such a string into memory first joins its pieces into one new string,
   * and a call into the copy costs ~1,000 instructions of its own: together more than
   * the line's whole JSON. So lines are joined here (appending to a string only links
   * the two) and copied, byte per character, once ~16 KB of them wait.
   */
  writeAscii(text: string): void {
    this.#ascii += text;
    if (this.#ascii.length >= ASCII_COPY_CHARS) this.#copyAscii();
    else if (this.#timer === null) this.#armTimer();
  }

  /** The waiting ASCII lines into the block, before anything written after them. */
  #copyAscii(): void {
    const text = this.#ascii;
    if (text === '') return;
    this.#ascii = '';
    if (this.#used + text.length > this.#block.length) this.#makeRoom(text.length);
    this.#used += this.#block.write(text, this.#used, 'latin1');
    this.#written();
  }

  /** Hands held lines to the writer and calls back once they are written. */
  flush(done: (error?: Error) => void = () => {}): void {
    this.#handOver();
    if (this.#writtenTotal >= this.#handedTotal) return void process.nextTick(done);
    this.#flushWaiters.push({ until: this.#handedTotal, done });
  }

  /** Writes every held line before returning (at exit). */
  flushSync(): void {
    this.#handOver();
    if (this.#broken) return;
    try {
      this.#writer.flushSync();
    } catch {
      // a write already in flight finishes on its own; nothing more can be done at exit
    }
  }

  #written(): void {
    if (this.#used - this.#handed >= HAND_OVER_BYTES) this.#handOver();
    else if (this.#timer === null) this.#armTimer();
  }

  #armTimer(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#handOver();
    }, HAND_OVER_MS).unref();
  }

  /** The lines written since the last hand-over go to the writer as one slice of the block. */
  #handOver(): void {
    this.#copyAscii();
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#used === this.#handed) return;
    if (!this.#broken) {
      this.#handedTotal += this.#used - this.#handed;
      // in buffer mode the writer takes bytes; its types describe only the text mode
      this.#writer.write(this.#block.subarray(this.#handed, this.#used) as unknown as string);
    }
    this.#handed = this.#used;
  }

  #wrote(bytes: number): void {
    this.#writtenTotal += bytes;
    while (this.#flushWaiters.length > 0 && this.#flushWaiters[0].until <= this.#writtenTotal)
      this.#flushWaiters.shift()!.done();
  }

  /** Starts a new block when `bytes` more do not fit; slices already handed keep the old one alive. */
  #makeRoom(bytes: number): void {
    if (this.#used + bytes <= this.#block.length) return;
    this.#handOver();
    this.#block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, bytes));
    this.#used = 0;
    this.#handed = 0;
  }
}
