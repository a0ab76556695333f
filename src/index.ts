/**
 * Basalt as a library: create an app, reach its services, start it.
 *
 * ```ts
 * import { createBasalt, defaultConfig } from 'basalt';
 * const app = createBasalt({ config: defaultConfig({ dir: './data' }) });
 * await app.serve();
 * ```
 */
export { BasaltApp, type BasaltServices, type CreateBasaltOptions, createBasalt } from './app/app.ts';
export { type Config, ConfigError, defaultConfig, loadConfig } from './config/index.ts';
export type { Collection, Field, FieldType, Rule } from './data/collection-types.ts';
export type { AuthPrincipal, RecordContext } from './data/records/record-context.ts';
export type { RecordJSON, RecordRow } from './data/records/record-output.ts';
export type { RecordEvent } from './data/records/records-service.ts';
export type { DbDriver, Queryable, SqlValue } from './db/driver.ts';
export { ApiError, ERRORS, type ErrorKind } from './lib/errors.ts';
