/** What a snapshot copy holds and whether it is sound. */
export interface SnapshotInspection {
  /** integrity problems found (empty: sound, or not checked) */
  problems: string[];
  /** schema migrations recorded in the copy */
  migrations: string[];
}

type Inspector = (path: string, options: { integrity: boolean }) => Promise<SnapshotInspection>;

/** Snapshot format → how to open a copy of it; engines load lazily. */
const FORMATS: Record<string, Inspector> = {
  sqlite: async (path, options) => {
    // the full check reads every page: off the main thread, so the server keeps answering
    if (options.integrity)
      return inWorker(new URL('./drivers/sqlite-snapshot-worker.ts', import.meta.url), { path, options });
    const { inspectSqliteSnapshot } = await import('./drivers/sqlite-snapshot.ts');
    return inspectSqliteSnapshot(path, options);
  },
};

/** Runs a worker module to its one answer. */
async function inWorker<T>(module: URL, data: unknown): Promise<T> {
  const { Worker } = await import('node:worker_threads');
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(module, { workerData: data });
    worker.once('message', (answer: T) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the snapshot check stopped (exit code ${code}) before answering`)),
    );
  });
}

/** Snapshot formats this build can open (and so restore). */
export function snapshotFormats(): string[] {
  return Object.keys(FORMATS);
}

/**
 * Opens a snapshot copy written by a driver's `snapshot()` and inspects it, running the
 * engine's full integrity check when `integrity` is set. Throws for a format this build
 * does not know.
 */
export async function inspectSnapshot(
  format: string,
  path: string,
  options: { integrity: boolean },
): Promise<SnapshotInspection> {
  const inspect = FORMATS[format];
  if (!inspect)
    throw new Error(`Unknown snapshot format "${format}" (known: ${snapshotFormats().join(', ')}).`);
  return inspect(path, options);
}
