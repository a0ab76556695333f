/**
 * Crash safety over HTTP: 16 clients create records as fast as they can against a
 * `basalt serve` child process; it is SIGKILLed mid-flight and restarted on the same data
 * dir, where every record acknowledged with a 200 must be present, as it was written.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allRecords,
  createOpenCollection,
  type ProcessServer,
  startProcessServer,
  tempDir,
} from '../helpers/process-server.ts';

const CLIENTS = 16;
const MIN_ACKS = 300;

interface Outcome {
  /** id → title of every create answered 200 */
  acked: Map<string, string>;
  /** statuses other than 200 answered before the kill */
  failures: string[];
}

/** One client: creates records in a loop until the server goes away. */
async function client(server: ProcessServer, index: number, outcome: Outcome, stop: { killed: boolean }) {
  for (let seq = 0; ; seq++) {
    const title = `c${index}-${seq}`;
    let response: Response;
    try {
      response = await fetch(`${server.url}/api/collections/items/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title, n: seq }),
      });
    } catch {
      return; // the connection died with the server
    }
    let body: any;
    try {
      body = await response.json();
    } catch {
      return; // cut off mid-answer: not acknowledged
    }
    if (response.status === 200) outcome.acked.set(body.id, title);
    else if (!stop.killed) outcome.failures.push(`${response.status} ${JSON.stringify(body)}`);
  }
}

async function writeThenKill(dir: string, args: string[]): Promise<Outcome> {
  const server = await startProcessServer(dir, { args });
  await createOpenCollection(server, 'items');
  const outcome: Outcome = { acked: new Map(), failures: [] };
  const stop = { killed: false };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(server, i, outcome, stop));
  const started = Date.now();
  while ((Date.now() - started < 2000 || outcome.acked.size < MIN_ACKS) && Date.now() - started < 10_000) {
    await sleep(50);
  }
  stop.killed = true;
  await server.kill();
  await Promise.all(clients);
  return outcome;
}

describe('crash safety: SIGKILL under concurrent writes', { concurrency: true }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const args of [[], ['--db-sync', 'full']]) {
    it(`keeps every acknowledged create (${args.join(' ') || 'default sync'})`, async (t) => {
      const dir = tempDir('basalt-crash-');
      dirs.push(dir);
      const { acked, failures } = await writeThenKill(dir, args);
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} creates failed before the kill`);
      assert.ok(acked.size >= MIN_ACKS, `only ${acked.size} creates acknowledged`);

      const restarted = await startProcessServer(dir, { args, superuser: false });
      try {
        const stored = await allRecords(restarted, 'items');
        const missing = [...acked.keys()].filter((id) => !stored.has(id));
        assert.deepEqual(
          missing.slice(0, 10),
          [],
          `${missing.length} of ${acked.size} acknowledged records lost`,
        );
        const altered = [...acked].filter(([id, title]) => stored.get(id) !== title);
        assert.deepEqual(altered.slice(0, 10), [], 'acknowledged records came back different');
        assert.ok(stored.size >= acked.size);
        t.diagnostic(`${acked.size} acknowledged, ${stored.size} stored`);
        // the reopened server still takes writes
        const response = await fetch(`${restarted.url}/api/collections/items/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'after restart' }),
        });
        assert.equal(response.status, 200);
      } finally {
        await restarted.kill();
      }
    });
  }
});
