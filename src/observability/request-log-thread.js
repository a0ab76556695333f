// The request log writer thread's entry (see request-log-worker.ts). Plain JavaScript on
// purpose: a worker thread does not share the main thread's compile cache, and a
// TypeScript entry would make it load Node's type-stripping parser (several MB) just to
// read itself. With the cache turned on here first, it reads the TypeScript below from
// the cache, as `bin/basalt.js` does for the main thread.
import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';

if (workerData?.compileCacheDir) enableCompileCache(workerData.compileCacheDir);
await import('./request-log-worker.ts');
