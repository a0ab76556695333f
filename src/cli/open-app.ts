import type { BasaltApp } from '../app/app.ts';
import type { Config } from '../config/index.ts';

export type { BasaltApp };

let cliApp: BasaltApp | null = null;

/**
 * Makes the CLI run its commands on `app` (with the configuration it loads) instead of
 * creating a fresh one: `app.start()` uses this, so a program's own hooks and routes
 * are part of `serve`.
 */
export function useAppForCli(app: BasaltApp | null): void {
  cliApp = app;
}

/**
 * Creates the app for `config`. The app module loads lazily so that `--help` and
 * `version` never load the server and its libraries.
 */
export async function createApp(config: Config): Promise<BasaltApp> {
  if (cliApp) {
    cliApp.useConfig(config);
    return cliApp;
  }
  const { createBasalt } = await import('../app/app.ts');
  return createBasalt({ config });
}

/**
 * Creates and bootstraps the app (drivers open, system migrations run, no HTTP), runs `fn`,
 * then closes it. When `fn` fails, its error is the one reported, not a later close error.
 */
export async function withApp<T>(config: Config, fn: (app: BasaltApp) => Promise<T>): Promise<T> {
  const app = await createApp(config);
  let result: T;
  try {
    await app.bootstrap();
    result = await fn(app);
  } catch (error) {
    await app.close().catch(() => {});
    throw error;
  }
  await app.close();
  return result;
}
