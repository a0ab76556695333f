/**
 * The digest thread's program (see disk-digest.ts): hashes files the main thread is
 * writing, reading back what it reports written. The reads come from the page cache,
 * where the data just went, so hashing costs this thread a copy and the hash, and the
 * main thread nothing but a message per write.
 *
 * It runs as plain JavaScript: the thread is started from this function's source text,
 * which Node has already stripped of its types. A worker started from a .ts file loads
 * the TypeScript stripper again in its own isolate, about 28 MB of resident memory;
 * this way the thread costs about 10 MB. So the function uses nothing from outside its
 * body (it is not a closure when it runs), and `require` for what it needs.
 *
 * Messages in: start {id, fd, algorithms}, advance {id, upTo}, finish {id, upTo}, abort {id}.
 * Messages out: {id, digests} after finish, {id} after abort, {id, error} when a read failed.
 */
export function digestThreadMain(): void {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const { readSync } = require('node:fs') as typeof import('node:fs');
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  type Hash = import('node:crypto').Hash;
  type Message =
    | { op: 'start'; id: number; fd: number; algorithms: string[] }
    | { op: 'advance' | 'finish'; id: number; upTo: number }
    | { op: 'abort'; id: number };
  interface Job {
    fd: number;
    algorithms: string[];
    hashes: Hash[];
    /** bytes hashed so far */
    position: number;
    failed?: string;
  }

  const port = parentPort!;
  const jobs = new Map<number, Job>();
  /** one read buffer for every job (a hash takes in what it is given before update returns); small, as it stays resident */
  const buffer = Buffer.allocUnsafeSlow(256 << 10);

  /** Hashes the job's file up to `upTo` bytes; a failure is kept for finish to report. */
  const advance = (job: Job, upTo: number) => {
    try {
      while (!job.failed && job.position < upTo) {
        const want = Math.min(buffer.length, upTo - job.position);
        const n = readSync(job.fd, buffer, 0, want, job.position);
        if (n === 0) throw new Error(`the file ends at ${job.position} bytes, before the ${upTo} written`);
        const read = buffer.subarray(0, n);
        for (const hash of job.hashes) hash.update(read);
        job.position += n;
      }
    } catch (error) {
      job.failed = String((error as Error).message ?? error);
    }
  };

  const finish = (id: number, job: Job, upTo: number) => {
    advance(job, upTo);
    jobs.delete(id);
    if (job.failed) {
      port.postMessage({ id, error: job.failed });
      return;
    }
    const digests: Record<string, string> = {};
    job.algorithms.forEach((name, i) => {
      digests[name] = job.hashes[i].digest('hex');
    });
    port.postMessage({ id, digests });
  };

  port.on('message', (message: Message) => {
    if (message.op === 'start') {
      const { id, fd, algorithms } = message;
      jobs.set(id, { fd, algorithms, hashes: algorithms.map((a) => createHash(a)), position: 0 });
      return;
    }
    const job = jobs.get(message.id);
    if (message.op === 'abort') {
      jobs.delete(message.id);
      port.postMessage({ id: message.id });
    } else if (!job) {
      if (message.op === 'finish') port.postMessage({ id: message.id, error: 'no such digest job' });
    } else if (message.op === 'advance') advance(job, message.upTo);
    else finish(message.id, job, message.upTo);
  });
}
