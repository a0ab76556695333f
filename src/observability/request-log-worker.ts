/**
 * The request log's writer thread: receives batches (`LogBatch` bytes) and inserts them
 * into the log database through its own connection, so the inserts, the WAL checkpoints
 * and their disk flushes never hold up the event loop that answers requests.
 *
 * Messages in: `{ type: 'write', bytes }`, `{ type: 'close' }`; each is answered in order
 * with `{ ok: true }` or `{ ok: false, error }` once done (committed, or closed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../db/index.ts';
import { decodeLogBatch } from './request-log-batch.ts';
import { insertLogRows, LOGS_PAGE_CACHE_KIB } from './request-log-sql.ts';

type Message = { type: 'write'; bytes: Uint8Array } | { type: 'close' };

const port = parentPort;
if (!port) throw new Error('request-log-worker.ts runs as a worker thread');
const { url } = workerData as { url: string };
const db = await openDb(url, { sync: 'normal', pageCacheKiB: LOGS_PAGE_CACHE_KIB });

// one at a time, in arrival order: the answers are matched to requests by order
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: Message) => {
  queue = queue.then(async () => {
    try {
      if (message.type === 'write') await insertLogRows(db, decodeLogBatch(message.bytes));
      else await db.close();
      port.postMessage({ ok: true });
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
port.postMessage({ ok: true, ready: true });
