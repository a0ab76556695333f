import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerApi } from '../api/index.ts';
import { ApiKeysService } from '../auth/api-keys/index.ts';
import { AuthService } from '../auth/auth-service.ts';
import { type Config, defaultConfig } from '../config/index.ts';
import type { DbDriver } from '../db/driver.ts';
import { openDb } from '../db/open-db.ts';
import { CollectionsService } from '../data/collections/collections-service.ts';
import { compileFilter } from '../data/filter/index.ts';
import { applyMigrations, migrationStatus } from '../data/migrations/apply-migrations.ts';
import { RecordsService } from '../data/records/records-service.ts';
import { applySystemMigrations } from '../data/system-schema.ts';
import { createLogger } from '../http/logger.ts';
import { createHttpServer } from '../http/server.ts';
import { MailService, smtpSettingsSection } from '../mail/index.ts';
import { type SettingsSection, SettingsService } from '../settings/settings-service.ts';

export interface CreateBasaltOptions {
  config?: Config;
  /** a logger to use instead of the one built from config (tests) */
  logger?: Logger;
}

/** The services of a bootstrapped app. */
export interface BasaltServices {
  db: DbDriver;
  collections: CollectionsService;
  records: RecordsService;
  auth: AuthService;
  apiKeys: ApiKeysService;
  settings: SettingsService;
  mail: MailService;
}

/**
 * A Basalt app: config in, services and an HTTP server out. Nothing opens until
 * `bootstrap()` (drivers, system migrations) or `serve()` (bootstrap + listen).
 */
export class BasaltApp {
  readonly config: Config;
  readonly logger: Logger;
  #services: BasaltServices | null = null;
  #server: FastifyInstance | null = null;
  #draining = false;
  #closing: Promise<void> | null = null;

  constructor(options: CreateBasaltOptions = {}) {
    this.config = options.config ?? defaultConfig();
    this.logger =
      options.logger ?? createLogger({ level: this.config.logLevel, format: this.config.logFormat });
  }

  /** The services; throws before bootstrap. */
  get services(): BasaltServices {
    if (!this.#services)
      throw new Error('Basalt is not bootstrapped yet: call bootstrap() or serve() first.');
    return this.#services;
  }

  async bootstrap(): Promise<void> {
    if (this.#services) return;
    const config = this.config;
    const db = await openDb(config.databaseUrl, { sync: config.dbSync, logger: this.logger });
    await db.transaction((tx) => applySystemMigrations(tx));
    const collections = new CollectionsService({
      db,
      migrationsDir: config.migrationsDir,
      checkRule: (collection, rule, registry) => checkRule(db, collection, rule, registry),
    });
    await collections.load();
    const records = new RecordsService({
      db,
      registry: collections.registry,
      limits: {
        filterMaxLength: config.filterMaxLength,
        filterMaxExpressions: config.filterMaxExpressions,
        perPageMax: config.perPageMax,
        perPageDefault: 30,
        expandMaxDepth: config.expandMaxDepth,
      },
    });
    const settings = new SettingsService(db);
    settings.register(smtpSettingsSection as unknown as SettingsSection);
    await settings.load();
    const mail = new MailService(settings, config.dir);
    const auth = new AuthService(db, collections, records, { mail, settings });
    await auth.ensureSystemCollections();
    this.#services = { db, collections, records, auth, apiKeys: new ApiKeysService(db), settings, mail };
  }

  /** Bootstraps, then listens; resolves with the URL once accepting connections. */
  async serve(): Promise<{ url: string }> {
    await this.bootstrap();
    const server = await createHttpServer({
      logger: this.logger,
      bodyLimit: this.config.bodyLimit,
      requestTimeoutMs: this.config.requestTimeout,
      trustProxy: this.config.trustedProxies.length ? this.config.trustedProxies : false,
      origins: this.config.origins,
    });
    registerApi(server, { ...this.services, isReady: () => !this.#draining });
    const [host, port] = splitHostPort(this.config.http);
    const address = await server.listen({ host, port });
    this.#server = server;
    const url = address.replace('://[::1]', '://localhost');
    this.logger.info({ url, dir: this.config.dir }, 'Basalt is serving');
    await this.#hintFirstSuperuser();
    return { url };
  }

  /** On a fresh data dir, tells how to create the first superuser. */
  async #hintFirstSuperuser(): Promise<void> {
    const row = await this.services.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "_superusers"`);
    if (Number(row?.n) > 0) return;
    this.logger.warn(
      `No superuser exists yet. Create one with: npx basalt superuser upsert EMAIL PASSWORD --dir ${this.config.dir}`,
    );
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish, then close the
   * database (which waits for queued commits). Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#draining = true;
      await this.#server?.close();
      // last-used times of API keys are batched in memory; keep them
      await this.#services?.apiKeys.flush().catch(() => {});
      await this.#services?.db.close();
      this.logger.flush?.();
    })();
    return this.#closing;
  }

  readonly superusers = {
    upsert: (email: string, password: string) => this.services.auth.superusers.upsert(email, password),
    create: (email: string, password: string) => this.services.auth.superusers.create(email, password),
    update: (email: string, password: string) => this.services.auth.superusers.update(email, password),
    delete: (email: string) => this.services.auth.superusers.delete(email),
  };

  readonly migrations = {
    status: (dir: string) => migrationStatus(this.services.db, dir),
    apply: (dir: string, onProgress?: (done: number, total: number, name: string) => void) =>
      applyMigrations(this.services.db, this.services.collections, dir, onProgress),
  };
}

/** Creates an app that has not started yet. */
export function createBasalt(options: CreateBasaltOptions = {}): BasaltApp {
  return new BasaltApp(options);
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  // an empty host (`:8090`) means every interface, as in Go and PocketBase
  const host = address.slice(0, at).replace(/^\[|\]$/g, '') || '0.0.0.0';
  return [host, Number(address.slice(at + 1))];
}

function checkRule(
  db: DbDriver,
  collection: import('../data/collection-types.ts').Collection,
  rule: string,
  registry: import('../data/collections/collection-registry.ts').CollectionRegistry,
): string | null {
  try {
    compileFilter(rule, {
      dialect: db.dialect,
      schema: {
        collection: (nameOrId) =>
          nameOrId === collection.id || nameOrId === collection.name ? collection : registry.find(nameOrId),
      },
      collection,
      tableAlias: 't',
      allowHiddenFields: true,
      request: { auth: null, body: {}, query: {}, headers: {}, method: 'GET', context: 'default' },
    });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
