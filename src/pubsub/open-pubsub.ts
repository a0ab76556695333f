import { type PubSubDriver, redactUrl } from './pubsub-driver.ts';

type Opener = (url: string) => Promise<PubSubDriver>;

/** URL scheme → driver. Engine libraries load lazily: `memory://` never loads ioredis or nats. */
const DRIVERS: Record<string, Opener> = {
  'memory:': async () => (await import('./drivers/memory.ts')).openMemoryPubSub(),
  'redis:': async (url) => (await import('./drivers/redis.ts')).openRedisPubSub(url),
  'rediss:': async (url) => (await import('./drivers/redis.ts')).openRedisPubSub(url),
  'nats:': async (url) => (await import('./drivers/nats.ts')).openNatsPubSub(url),
};

/**
 * Opens the pub/sub engine a URL names: `memory://` (this process only, the default),
 * `redis://host:6379` or `nats://host:4222` (shared by every node on that engine).
 * An unknown scheme fails and lists the known ones.
 */
export async function openPubSub(url: string): Promise<PubSubDriver> {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const open = scheme ? DRIVERS[scheme] : undefined;
  if (!open) {
    const known = Object.keys(DRIVERS)
      .map((s) => `${s}//`)
      .join(', ');
    throw new Error(
      `Unknown pub/sub URL ${redactUrl(url)}: expected one of ${known} (e.g. memory:// or redis://127.0.0.1:6379).`,
    );
  }
  return open(url);
}
