import type { Worker } from 'node:worker_threads';
import type { DbDriver } from '../db/index.ts';
import { decodeLogBatch } from './request-log-batch.ts';
import { insertLogRows } from './request-log-sql.ts';

/** Where the request log's batches are inserted. */
export interface LogWriter {
  /** Resolves once the batch is committed; rejects when it could not be. */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Inserts batches on this thread, through the store's own connection. */
export function inlineLogWriter(db: DbDriver): LogWriter {
  return {
    write: (bytes) => insertLogRows(db, decodeLogBatch(bytes)),
    close: async () => {},
  };
}

type Answer = { ok: true } | { ok: false; error: string };

/**
 * A worker thread (`request-log-worker.ts`, entered through `request-log-thread.js`) that inserts batches through a connection of
 * its own. A batch is transferred, not copied. Answers come back in the order of requests.
 */
export class LogWorker implements LogWriter {
  readonly #worker: Worker;
  readonly #waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #failed: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (answer: Answer) => {
      const waiter = this.#waiting.shift();
      // held open only while an answer is awaited: an idle thread never keeps the process alive
      if (this.#waiting.length === 0) worker.unref();
      if (answer.ok) waiter?.resolve();
      else waiter?.reject(new Error(`request log write failed: ${answer.error}`));
    });
    const fail = (error: Error) => {
      this.#failed ??= error;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the request log writer thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and waits until its database is open. */
  static async start(url: string): Promise<LogWorker> {
    const [{ Worker }, { getCompileCacheDir }] = await Promise.all([
      import('node:worker_threads'),
      import('node:module'),
    ]);
    const worker = new Worker(new URL('./request-log-thread.js', import.meta.url), {
      workerData: { url, compileCacheDir: getCompileCacheDir() },
    });
    const started = new LogWorker(worker);
    // the thread answers once, unasked, when its database is open
    await new Promise<void>((resolve, reject) => started.#waiting.push({ resolve, reject }));
    return started;
  }

  /** False once the thread has failed or stopped: its batches cannot be written anymore. */
  get alive(): boolean {
    return this.#failed === null;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#ask({ type: 'write', bytes }, [bytes.buffer as ArrayBuffer]);
  }

  /** Closes the thread's database after the batches already sent, then ends the thread. */
  async close(): Promise<void> {
    try {
      if (this.alive) await this.#ask({ type: 'close' }, []);
    } finally {
      await this.#worker.terminate();
    }
  }

  #ask(message: object, transfer: ArrayBuffer[]): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise<void>((resolve, reject) => {
      if (this.#waiting.length === 0) this.#worker.ref();
      this.#waiting.push({ resolve, reject });
      this.#worker.postMessage(message, transfer);
    });
  }
}
