/**
 * Basalt as a library: create an app, extend it with hooks and routes, start it.
 *
 * ```ts
 * import { ApiError, createBasalt } from 'basalt';
 * const app = createBasalt();
 * app.onRecordCreate('posts').bindFunc(async (e) => {
 *   if (!e.body.title) throw new ApiError('validation_failed', 'A post needs a title.');
 *   await e.next();
 * });
 * app.routes.get('/api/hello', () => ({ hello: 'world' }));
 * await app.start(); // runs the `basalt` CLI with process.argv: `node main.ts serve`
 * ```
 */
import { BasaltApp } from './app/app.ts';
import type { CreateBasaltOptions } from './app/app.ts';
import { runCli } from './cli/index.ts';
import { useAppForCli } from './cli/open-app.ts';

/** An app that can also run the `basalt` command line on itself. */
export class Basalt extends BasaltApp {
  /**
   * Runs the `basalt` CLI (`serve`, `migrate`, `superuser …`) on this app, with `argv`
   * (default: the process's arguments). The configuration comes from the command line,
   * the environment and `basalt.json`, as for the binary; hooks and routes registered in
   * code are kept. Resolves with the exit code (also set as `process.exitCode`) once the
   * command ends — for `serve`, after a graceful shutdown.
   */
  async start(argv: string[] = process.argv.slice(2)): Promise<number> {
    useAppForCli(this);
    try {
      const code = await runCli(argv);
      process.exitCode = code;
      return code;
    } finally {
      useAppForCli(null);
    }
  }
}

/** Creates an app that has not started yet: register hooks and routes, then `serve()` or `start()`. */
export function createBasalt(options: CreateBasaltOptions = {}): Basalt {
  return new Basalt(options);
}

export type { RecordRequestEvent } from './api/record-request-hooks.ts';
export type { BootstrapEvent, RegistrationSnapshot, ServeOptions } from './app/app-framework.ts';
export { BasaltFramework } from './app/app-framework.ts';
export { BasaltApp, type BasaltServices, type CreateBasaltOptions } from './app/app.ts';
export type {
  RouteAuth,
  RouteDefinition,
  RouteEvent,
  RouteHandler,
  RouteMethod,
  RouteOptions,
} from './app/app-routes.ts';
export { HooksFileError } from './app/hooks-loader.ts';
export { type Config, ConfigError, defaultConfig, loadConfig } from './config/index.ts';
export type { Collection, Field, FieldType, Rule } from './data/collection-types.ts';
export { type AuthPrincipal, type RecordContext, superuserContext } from './data/records/record-context.ts';
export type {
  RecordCreateEvent,
  RecordDeleteEvent,
  RecordsInTransaction,
  RecordSuccessEvent,
  RecordUpdateEvent,
  RecordWriteEvent,
} from './data/records/record-hooks.ts';
export type { RecordJSON, RecordRow } from './data/records/record-output.ts';
export type { RecordEvent } from './data/records/records-service.ts';
export type { DbDriver, Queryable, SqlValue } from './db/driver.ts';
export { Hook, type HookEvent, type HookFn, type HookHandler, TaggedHook } from './hooks/index.ts';
export { ApiError, ERRORS, type ErrorKind } from './lib/errors.ts';
