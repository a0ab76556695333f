import type { Config } from '../config/index.ts';

// TEMPORARY: a copy of the agreed `BasaltApp` contract until src/app/app.ts lands; then
// this becomes `import type { BasaltApp } from '../app/app.ts'` and a literal import below.
export interface BasaltApp {
  readonly config: Config;
  bootstrap(): Promise<void>;
  serve(): Promise<{ url: string }>;
  close(): Promise<void>;
  superusers: {
    upsert(email: string, password: string): Promise<{ created: boolean }>;
    create(email: string, password: string): Promise<void>;
    update(email: string, password: string): Promise<void>;
    delete(email: string): Promise<void>;
  };
  migrations: {
    status(dir: string): Promise<{ name: string; applied: boolean }[]>;
    apply(
      dir: string,
      onProgress?: (done: number, total: number, name: string) => void,
    ): Promise<{ applied: string[] }>;
  };
}
type AppModule = { createBasalt(options?: { config?: Config }): BasaltApp };

/**
 * Creates the app for `config`. The app module loads lazily so that `--help` and
 * `version` never load the server and its libraries.
 */
export async function createApp(config: Config): Promise<BasaltApp> {
  const specifier = '../app/app.ts';
  const { createBasalt } = (await import(specifier)) as AppModule;
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
