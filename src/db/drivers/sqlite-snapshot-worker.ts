/**
 * Runs `inspectSqliteSnapshot` in a worker thread: `PRAGMA integrity_check` reads every
 * page of the copy, seconds for a large database, and on the main thread it would stall
 * every request meanwhile (a restore checks the copy while the server still serves).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inspectSqliteSnapshot } from './sqlite-snapshot.ts';

const { path, options } = workerData as { path: string; options: { integrity: boolean } };
parentPort?.postMessage(inspectSqliteSnapshot(path, options));
