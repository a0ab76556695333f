/**
 * Preloaded into both server children (`node --expose-gc --import bench/server-preload.ts
 * src/main.ts serve …`) to answer the bench parent over IPC, touching nothing else:
 * - `{ type: 'gc', flavor }`: full collections, then the process's memory, for an idle RSS;
 * - `{ type: 'profile-start' }` / `{ type: 'profile-stop', file }`: a V8 CPU profile of
 *   just one measured window, written to `file` (open it in Chrome DevTools or summarise
 *   it with bench/cpu-profile.ts);
 * - `{ type: 'heap-snapshot', file }`: a V8 heap snapshot (`--heap-snapshot` of run.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';

type Message =
  | { type: 'gc'; flavor?: 'regular' | 'last-resort' }
  | { type: 'heap-snapshot'; file: string }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string };

const gc = (globalThis as { gc?: (options?: object) => void }).gc;
let session: Session | undefined;

async function answer(message: Message): Promise<unknown> {
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
  const { profile } = await session!.post('Profiler.stop');
  session!.disconnect();
  session = undefined;
  writeFileSync(message.file, JSON.stringify(profile));
  return { file: message.file };
}

if (process.send) {
  process.on('message', (message: Message) => {
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
