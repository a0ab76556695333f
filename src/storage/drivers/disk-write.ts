/**
 * Streams a body into a new file, with as few trips to the thread pool as possible:
 * chunks that arrive while a write is in flight are written together by one `writev`.
 * When the write must be durable (`flush`), the data is also flushed in the background
 * every few megabytes while the body still arrives, so the final `fsync` only has the
 * tail left to flush (a single flush at the end of a 1 GB upload used to add seconds,
 * and made the kernel hold the whole file as dirty pages until then).
 */
import { closeSync, fdatasync, fstatSync, fsync, open, type Stats, writev } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { bufferReleaser } from '../../lib/buffer-release.ts';
import { type DigestName, type Digests, StorageError } from '../storage-driver.ts';
import { FileDigests } from './disk-digest.ts';

/** Stop reading the body while this much is waiting for the disk (the socket then holds the rest). */
const MAX_PENDING = 1 << 20;
/** Start a background flush after this much new data. */
const FLUSH_EVERY = 8 << 20;

let releaser: ((bytes: number) => void) | undefined;
/**
 * Counts bytes the disk driver has moved (written or read, all streams together, so
 * many small objects count as much as one big one) and every 4 MB runs a minor
 * collection: each chunk is a fresh buffer only a collection frees, and V8 would
 * otherwise let ~64 MB of already-moved chunks pile up (see lib/buffer-release.ts).
 */
export function releaseBuffers(bytes: number): void {
  releaser ??= bufferReleaser();
  releaser(bytes);
}

const openAsync = promisify(open);
const writevAsync = promisify(writev);
const fsyncAsync = promisify(fsync);
const fdatasyncAsync = promisify(fdatasync);

/** What writeNewFile does besides writing. */
export interface NewFileOptions {
  /**
   * Make the data durable before resolving (default true): background flushes while it
   * arrives, an fsync at the end. Without it the data only has to reach the OS, which is
   * all a process crash needs (the `normal` sync profile).
   */
  flush?: boolean;
  /** refuse with StorageError `too_large` past this many bytes */
  maxSize?: number;
  /** runs once every byte is written, at the same time as the final flush and hash: the caller's own work shares the wait */
  alongside?: () => Promise<void>;
  /** digests of the written bytes to compute (on the digest thread, see disk-digest.ts) */
  digests?: readonly DigestName[];
}

/**
 * Writes `body` to a file that must not exist yet (`wx`) and resolves with the file's
 * stats (and the digests asked for) once every byte is written, and with `flush` (the
 * default) once its data and size are on disk. On any failure the file may remain; the
 * caller removes it.
 */
export async function writeNewFile(
  path: string,
  body: Readable,
  options: NewFileOptions = {},
): Promise<{ stats: Stats; digests?: Digests }> {
  const flush = options.flush ?? true;
  // the body may fail while the file opens; its state keeps the error, and an unheard 'error' would crash
  body.on('error', ignore);
  const wanted = options.digests?.length ? options.digests : null;
  let fd: number;
  try {
    // readable too when the digest thread reads it back
    fd = await openAsync(path, wanted ? 'wx+' : 'wx');
  } catch (error) {
    body.destroy();
    throw error;
  }
  const digests = wanted ? new FileDigests(fd, wanted) : null;
  try {
    const limits = {
      maxSize: options.maxSize ?? Number.POSITIVE_INFINITY,
      flushEvery: flush ? FLUSH_EVERY : Number.POSITIVE_INFINITY,
    };
    const size = await pump(fd, body, limits, (written, chunks) => digests?.advance(written, chunks));
    // all settled before the descriptor closes: a flush still queued must not meet a reused number
    const [flushed, beside, hashed] = await Promise.allSettled([
      flush ? fsyncAsync(fd) : undefined,
      options.alongside?.(),
      digests?.finish(size),
    ]);
    if (flushed.status === 'rejected') throw flushed.reason;
    if (beside.status === 'rejected') throw beside.reason;
    if (hashed.status === 'rejected') throw hashed.reason;
    // fstat and close of a file just written (and flushed, if asked) do no I/O: inline, they
    // cost less than two more trips to the thread pool, each of which would also delay the answer
    return { stats: fstatSync(fd), digests: hashed.value };
  } finally {
    // the digest thread reads this descriptor: it must be done with it first
    await digests?.abort();
    closeSync(fd);
  }
}

/**
 * Moves the body into `fd`, flushing in the background after every `flushEvery` new
 * bytes; resolves with its size once every byte is written and the background flush
 * (if one runs) is done, rejecting if any background flush failed. `onWritten` hears
 * each write's chunks and the bytes written so far. A body that errors, closes early or
 * grows past `maxSize` rejects and is destroyed.
 */
function pump(
  fd: number,
  body: Readable,
  limits: { maxSize: number; flushEvery: number },
  onWritten: (bytes: number, chunks: Buffer[]) => void,
): Promise<number> {
  const { maxSize, flushEvery } = limits;
  if (body.destroyed) return Promise.reject(body.errored ?? prematureClose());
  return new Promise((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let total = 0;
    let unflushed = 0;
    let writing = false;
    let ended = false;
    let failed = false;
    let flushing: Promise<void> = Promise.resolve();
    let lastWrite: Promise<unknown> = Promise.resolve();

    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      body.off('data', onData);
      body.destroy();
      // a write or flush may still run on this descriptor: the caller must not close it before
      // (a closed descriptor's number is reused at once, and the write would land elsewhere)
      const reportError = () => reject(error);
      Promise.allSettled([lastWrite, flushing]).then(reportError);
    };
    let flushRunning = false;
    let flushError: Error | undefined;
    const flushInBackground = () => {
      // one at a time: a flush still running when more data is written covers it on the next one
      if (flushRunning) return;
      flushRunning = true;
      unflushed = 0;
      // the data so far is written out while the rest arrives; the final fsync then has little left
      flushing = fdatasyncAsync(fd).then(
        () => {
          flushRunning = false;
        },
        (error) => {
          // kept, not replaced by a later flush's success: after a failed flush the kernel may
          // have dropped the dirty pages, and a later fsync can succeed without them
          flushError ??= error;
          flushRunning = false;
        },
      );
    };
    const writeNext = () => {
      if (failed) return;
      if (pending.length === 0) {
        writing = false;
        if (ended) flushing.then(() => (flushError ? reject(flushError) : resolve(size)));
        else body.resume();
        return;
      }
      writing = true;
      const batch = pending;
      const bytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
      lastWrite = writevAsync(fd, batch).then(({ bytesWritten: written }) => {
        // writev on a regular file writes everything or fails; anything else is an I/O fault
        if (written !== bytes) return fail(new Error(`Short write to ${fd}: ${written} of ${bytes} bytes.`));
        unflushed += written;
        total += written;
        onWritten(total, batch);
        releaseBuffers(written);
        if (unflushed >= flushEvery) flushInBackground();
        writeNext();
      }, fail);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxSize) {
        return fail(
          new StorageError('too_large', `The object is larger than the limit of ${maxSize} bytes.`),
        );
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!writing) writeNext();
      else if (pendingBytes >= MAX_PENDING) body.pause();
    };
    body.on('data', onData);
    body.once('end', () => {
      ended = true;
      if (!writing) writeNext();
    });
    body.once('error', fail);
    body.once('close', () => {
      if (!ended) fail(prematureClose());
    });
  });
}

const ignore = () => {};

/** The error Node's own stream utilities raise for a body that closed before its end. */
const prematureClose = () =>
  Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
