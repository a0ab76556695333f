import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import PocketBase from 'pocketbase';
import { type BasaltApp, createBasalt } from '../../src/app/app.ts';
import { type Config, defaultConfig } from '../../src/config/index.ts';

export const SUPERUSER = { email: 'root@example.com', password: 'correct-horse-battery' };

export interface TestServer {
  app: BasaltApp;
  url: string;
  dir: string;
  /** a fresh SDK client (not signed in) */
  client(): PocketBase;
  /** an SDK client signed in as the test superuser */
  superuser(): Promise<PocketBase>;
  stop(): Promise<void>;
}

/**
 * Starts a real Basalt server on a free port with a fresh data dir, and a superuser.
 * Logs are silent unless BASALT_TEST_LOGS=1. `beforeServe` runs on the app before it
 * listens (to add routes, which cannot be added later).
 */
export async function startServer(
  overrides: Partial<Config> = {},
  beforeServe?: (app: BasaltApp) => void,
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-test-'));
  const config = defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'migrations'), ...overrides });
  const logger = pino({ level: process.env.BASALT_TEST_LOGS ? 'info' : 'silent' });
  const app = createBasalt({ config, logger });
  beforeServe?.(app);
  const { url } = await app.serve();
  await app.superusers.upsert(SUPERUSER.email, SUPERUSER.password);
  return {
    app,
    url,
    dir,
    client: () => {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      return pb;
    },
    async superuser() {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      await pb.collection('_superusers').authWithPassword(SUPERUSER.email, SUPERUSER.password);
      return pb;
    },
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Raw HTTP against the server, answering status and parsed JSON (or text). */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = options.token;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, body: parsed, headers: response.headers };
}
