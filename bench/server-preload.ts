/**
 * Preloaded into both server children (`node --expose-gc --import bench/server-preload.ts
 * src/main.ts serve …`) to answer the bench parent over IPC, touching nothing else:
 * - `{ type: 'gc' }`: full collections, then the process's memory, for a settled idle RSS;
 * - `{ type: 'profile-start' }` / `{ type: 'profile-stop', file }`: a V8 CPU profile of
 *   just one measured window, written to `file` (open it in Chrome DevTools or summarise
 *   it with bench/cpu-profile.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

type Message = { type: 'gc' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };

const gc = (globalThis as { gc?: () => void }).gc;
let session: Session | undefined;

async function answer(message: Message): Promise<unknown> {
  if (message.type === 'gc') {
    for (let i = 0; i < 3; i++) gc?.();
    // let freed pages go back before the parent reads /proc/PID/status
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { gc: Boolean(gc), memory: process.memoryUsage() };
  }
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
  // the IPC channel must not keep a gracefully stopping server alive
  process.channel?.unref();
}
