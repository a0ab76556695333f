/**
 * Preloaded into the server children (`node --expose-gc --import bench/server-preload.js
 * bin/basalt.js serve …`) to answer the bench parent over IPC, touching nothing else:
 * - `{ type: 'gc', flavor }`: full collections, then the process's memory, for an idle RSS;
 * - `{ type: 'profile-start' }` / `{ type: 'profile-stop', file }`: a V8 CPU profile of
 *   just one measured window, written to `file` (open it in Chrome DevTools or summarise
 *   it with bench/cpu-profile.ts);
 * - `{ type: 'heap-snapshot', file }`: a V8 heap snapshot (`--heap-snapshot` of run.ts).
 *
 * Plain JavaScript on purpose: a TypeScript preload makes Node load its type-stripping
 * parser (a WebAssembly module, several MB resident) into a Basalt process that, started
 * as users start it (bin/basalt.js with a warm compile cache), never loads it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';

/** @type {((options?: object) => void) | undefined} */
const gc = globalThis.gc;
/** @type {Session | undefined} */
let session;

/** @param {{ type: string, flavor?: 'regular' | 'last-resort', file?: string }} message */
async function answer(message) {
  if (message.type === 'gc') {
    // 'last-resort' also gives V8's free heap pages back, as its memory reducer does on an idle process
    const options = { type: 'major', execution: 'sync', flavor: message.flavor ?? 'regular' };
    for (let i = 0; i < 3; i++) gc?.(options);
    // let freed pages go back before the parent reads /proc/PID/status
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { gc: Boolean(gc), memory: process.memoryUsage() };
  }
  if (message.type === 'heap-snapshot') return { file: writeHeapSnapshot(message.file) };
  if (message.type === 'profile-start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return { started: true };
  }
  if (!session) throw new Error('profile-stop without profile-start');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  writeFileSync(message.file, JSON.stringify(profile));
  return { file: message.file };
}

if (process.send) {
  process.on('message', (message) => {
    answer(message).then(
      (reply) => process.send?.({ ok: true, reply }),
      (error) => process.send?.({ ok: false, error: String(error) }),
    );
  });
  // the bench died without stopping us: stop gracefully rather than linger
  process.on('disconnect', () => process.kill(process.pid, 'SIGINT'));
  // the IPC channel must not keep a gracefully stopping server alive
  process.channel?.unref();
}
