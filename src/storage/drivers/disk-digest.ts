/**
 * Digests (MD5 for S3 ETags, SHA-256 for signed payloads) of files the disk driver writes,
 * computed on a worker thread that reads back what has been written. MD5 costs about
 * 2.5–3 ms per MB: on the main thread that was most of the gap between S3 uploads and a
 * plain socket-to-file copy, and it delayed every other request meanwhile. The worker
 * hashes while the upload still streams in, so at the end only the last write is left.
 *
 * Earlier, hashing on a worker fed with copies of the chunks was slower on two busy cores:
 * the copies and one message per chunk cost the main thread more than the hash. Here the
 * main thread sends one small message per write and no bytes; the worker reads them from
 * the page cache.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { DigestName, Digests } from '../storage-driver.ts';
import { digestThreadMain } from './disk-digest-worker.ts';

interface Waiter {
  resolve: (value: Digests) => void;
  reject: (error: Error) => void;
}

/** An idle digest thread stops after this long: it costs about 10 MB, and starts again in ~20 ms. */
const IDLE_STOP_MS = 30_000;

/** Tell the thread about written bytes this many at a time. */
const ADVANCE_EVERY = 256 << 10;
/** Files up to this size are hashed on the main thread, from the chunks written. */
const INLINE_BYTES = 64 << 10;

let worker: Worker | null = null;
let nextId = 1;
/** jobs started and not yet finished or aborted: the worker keeps the process alive while there are any */
let running = 0;
let idleTimer: NodeJS.Timeout | undefined;
const waiting = new Map<number, Waiter>();

/** A job starts: the thread is needed (and keeps the process alive until the job settles). */
function jobStarted(thread: Worker): void {
  clearTimeout(idleTimer);
  if (running++ === 0) thread.ref();
}

/** A job settled: with none left, the thread lets the process exit, and stops if it stays idle. */
function jobSettled(thread: Worker): void {
  if (--running > 0) return;
  thread.unref();
  idleTimer = setTimeout(() => {
    if (running > 0 || worker !== thread) return;
    worker = null;
    void thread.terminate();
  }, IDLE_STOP_MS).unref();
}

/** The digest thread, started on first use and again after it died. */
function digestThread(): Worker {
  if (worker) return worker;
  // run from its source text, as plain JavaScript (see disk-digest-worker.ts for why)
  const thread = new Worker(`(${digestThreadMain})()`, {
    eval: true,
    // it holds no data but its read buffer (outside the heap): a small heap keeps its RSS small
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, stackSizeMb: 1 },
    stdout: false,
    stderr: false,
  });
  thread.on('message', (message: { id: number; digests?: Digests; error?: string }) => {
    const waiter = waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id);
    if (message.error) waiter.reject(new Error(`Hashing the upload failed: ${message.error}`));
    else waiter.resolve(message.digests ?? {});
  });
  const lost = (error: Error) => {
    if (worker === thread) worker = null;
    // the thread no longer reads any file: every job fails (an abort is then complete)
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };
  thread.on('error', lost);
  thread.on('exit', (code) => lost(new Error(`The digest thread exited (code ${code}).`)));
  worker = thread;
  return thread;
}

/**
 * The digests of one file being written to `fd` (opened for reading too). Tell it what
 * is written as writes complete; `finish` answers the digests of the whole file. The
 * first 64 KB are hashed here, from the written chunks: a small upload then needs no
 * message to the thread at all (each one costs a wake-up of it, more than hashing 64 KB).
 * Past that, the thread takes over from the start of the file, reading `fd`, which must
 * then stay open until `finish` or `abort` has settled.
 */
export class FileDigests {
  readonly #id = nextId++;
  readonly #fd: number;
  readonly #algorithms: readonly DigestName[];
  /** hashes over the bytes so far while the file is small; null once the thread has it */
  #inline: Hash[] | null;
  #thread: Worker | null = null;
  #done = false;
  /** bytes the thread was told are written */
  #told = 0;

  constructor(fd: number, algorithms: readonly DigestName[]) {
    this.#fd = fd;
    this.#algorithms = algorithms;
    this.#inline = algorithms.map((name) => createHash(name));
  }

  /**
   * `chunks` were just written, making the first `written` bytes of the file. The thread
   * is told every 256 KB, not every write: each message costs the main thread a
   * serialisation and a wake-up of the thread, and the hash then lags at most that much.
   */
  advance(written: number, chunks: readonly Buffer[]): void {
    if (this.#done) return;
    if (this.#inline && written <= INLINE_BYTES) {
      for (const chunk of chunks) for (const hash of this.#inline) hash.update(chunk);
      return;
    }
    if (this.#inline) this.#handOver();
    if (written - this.#told < ADVANCE_EVERY) return;
    this.#told = written;
    this.#thread!.postMessage({ op: 'advance', id: this.#id, upTo: written });
  }

  /** Every byte is written (`size` in all): the hex digests, once the rest is hashed. */
  async finish(size: number): Promise<Digests> {
    if (this.#inline) {
      this.#done = true;
      const digests: Digests = {};
      this.#algorithms.forEach((name, i) => {
        digests[name] = this.#inline![i].digest('hex');
      });
      return digests;
    }
    return this.#settle('finish', size);
  }

  /** Stops hashing; resolves once the thread no longer reads the file. */
  async abort(): Promise<void> {
    if (this.#done) return;
    if (!this.#thread) {
      this.#done = true;
      return;
    }
    await this.#settle('abort', 0).catch(() => {});
  }

  /** The thread hashes the file from its start from now on. */
  #handOver(): void {
    this.#inline = null;
    this.#thread = digestThread();
    jobStarted(this.#thread);
    this.#thread.postMessage({ op: 'start', id: this.#id, fd: this.#fd, algorithms: this.#algorithms });
  }

  #settle(op: 'finish' | 'abort', upTo: number): Promise<Digests> {
    this.#done = true;
    const thread = this.#thread!;
    const answer = new Promise<Digests>((resolve, reject) => {
      // a thread that died meanwhile has dropped this job (and reads nothing any more)
      if (worker !== thread) return reject(new Error('Hashing the upload failed: the digest thread died.'));
      waiting.set(this.#id, { resolve, reject });
      thread.postMessage({ op, id: this.#id, upTo });
    });
    const release = () => jobSettled(thread);
    answer.then(release, release);
    return answer;
  }
}
