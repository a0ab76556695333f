import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerBackupRoutes } from '../api/backups-routes.ts';
import { registerApi } from '../api/index.ts';
import { registerLogsRoutes } from '../api/logs-routes.ts';
import { registerMetricsRoutes } from '../api/metrics-routes.ts';
import { registerRealtimeRoutes } from '../api/realtime-routes.ts';
import { registerRealtimeWsRoutes } from '../api/realtime-ws-routes.ts';
import { recoverInterruptedRestore } from '../backup/index.ts';
import { type Config, defaultConfig } from '../config/index.ts';
import { applyMigrations, migrationStatus } from '../data/migrations/apply-migrations.ts';
import { createLogger } from '../http/logger.ts';
import { createHttpServer } from '../http/server.ts';
import { CronService, JobsService } from '../jobs/index.ts';
import {
  type LogsSettings,
  type Observability,
  openObservability,
} from '../observability/index.ts';
import { openPubSub, type PubSubDriver } from '../pubsub/index.ts';
import { RealtimeService } from '../realtime/index.ts';
import { BasaltFramework, type RegistrationSnapshot, type ServeOptions } from './app-framework.ts';
import { type BasaltServices, openServices } from './app-services.ts';
import { loadHooksDir } from './hooks-loader.ts';
import { type HooksWatch, watchHooksDir } from './hooks-watch.ts';
import { recordRoutes, registerAppRoutes } from './route-register.ts';

export type { BasaltServices } from './app-services.ts';

export interface CreateBasaltOptions {
  config?: Config;
  /** a logger to use instead of the one built from config (tests) */
  logger?: Logger;
}

/**
 * A Basalt app: config in, services and an HTTP server out. Nothing opens until
 * `bootstrap()` (drivers, system migrations) or `serve()` (bootstrap + listen).
 */
export class BasaltApp extends BasaltFramework {
  /** the configuration (replaced only by `useConfig`, before start) */
  config: Config;
  logger: Logger;
  readonly #ownLogger: boolean;
  /** registrations made in code, put back before a dev reload loads the hooks folder again */
  #registrations: RegistrationSnapshot | null = null;
  #hooksGeneration = 0;
  #hooksWatch: HooksWatch | null = null;
  #reloading: Promise<void> | null = null;
  #restarting = false;
  /** the port actually bound, kept across dev reloads */
  #port: number | null = null;
  #services: BasaltServices | null = null;
  #pubsub: PubSubDriver | null = null;
  #realtime: RealtimeService | null = null;
  #server: FastifyInstance | null = null;
  #draining = false;
  #observability: Observability | null = null;
  #closing: Promise<void> | null = null;
  /** durable jobs: `handle(queue, fn)`, `enqueue(name, payload, opts)`; handlers may be added before start */
  readonly jobs = new JobsService();
  /** cron schedules run once per cluster: `add(id, expression, fn, {timezone, missed})` */
  readonly cron = new CronService();

  constructor(options: CreateBasaltOptions = {}) {
    super();
    this.config = options.config ?? defaultConfig();
    this.#ownLogger = !options.logger;
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
    // a restore that died mid-swap is undone before the database opens (backup/backup-journal.ts)
    if (await recoverInterruptedRestore(config.dir))
      this.logger.warn('An interrupted backup restore was rolled back; the data from before it is in place.');
    this.#observability ??= await openObservability(config);
    this.#services = await openServices({
      config,
      logger: this.logger,
      observability: this.#observability,
      hooks: this.hooks,
      jobs: this.jobs,
      cron: this.cron,
    });
    await this.triggerBootstrap();
  }

  /**
   * Replaces the configuration of an app that has not started (`app.start()` hands it
   * the one the CLI loaded from flags, environment and file).
   */
  useConfig(config: Config): void {
    if (this.#services) throw new Error('The configuration cannot change once the app has started.');
    this.config = config;
    if (this.#ownLogger) this.logger = createLogger({ level: config.logLevel, format: config.logFormat });
  }

  /**
   * Bootstraps, then listens; resolves with the URL once accepting connections. With
   * `hooksDir`, its hooks files run first; with `watchHooks`, a change to the folder
   * restarts the app in-process on the same port (see docs/extending.md).
   */
  async serve(options: ServeOptions = {}): Promise<{ url: string }> {
    if (options.hooksDir) await this.#loadHooks(options);
    await this.bootstrap();
    const realtime = await this.#startRealtime();
    const server = await createHttpServer({
      logger: this.logger,
      bodyLimit: this.config.bodyLimit,
      requestTimeoutMs: this.config.requestTimeout,
      trustProxy: this.config.trustedProxies.length ? this.config.trustedProxies : false,
      origins: this.config.origins,
      onRequestStart: this.observability.openRequests?.start,
    });
    const observability = this.observability;
    await observability.openRequestLogs(
      `sqlite://${this.config.dir}/auxiliary.db`,
      () => this.services.settings.get().logs as LogsSettings,
    );
    observability.instrumentHttp(server, this.logger);
    const builtInRoutes = recordRoutes(server);
    registerApi(server, {
      ...this.services,
      requestHooks: this.requestHooks,
      realtime,
      isReady: () => !this.#draining,
    });
    registerMetricsRoutes(server, { observability, isReady: () => !this.#draining });
    registerLogsRoutes(server, { ...this.services, isReady: () => !this.#draining }, observability);
    registerBackupRoutes(server, {
      ...this.services,
      isReady: () => !this.#draining,
      restartWith: (between) => this.restartWith(between),
    });
    registerRealtimeRoutes(server, realtime);
    await registerRealtimeWsRoutes(server, this.services.auth, realtime);
    await registerAppRoutes(server, this.routes.list(), this.services.auth, builtInRoutes);
    const [host, port] = splitHostPort(this.config.http);
    const address = await server.listen({ host, port: this.#port ?? port });
    this.#server = server;
    this.#port = (server.server.address() as AddressInfo).port;
    const url = address.replace('://[::1]', '://localhost');
    this.logger.info({ url, dir: this.config.dir }, 'Basalt is serving');
    await this.#hintFirstSuperuser();
    this.jobs.start();
    this.services.backups.schedule(this.cron, (err) => this.logger.error({ err }, 'Scheduled backup failed'));
    this.cron.start();
    return { url };
  }

  /** Runs the hooks folder's files against this app (code registrations are remembered first). */
  async #loadHooks(options: ServeOptions): Promise<void> {
    const dir = options.hooksDir!;
    this.#registrations ??= this.snapshotRegistrations({ jobs: this.jobs, cron: this.cron });
    const files = await loadHooksDir(this, dir, ++this.#hooksGeneration);
    // most apps have no hooks folder: say so only when debugging
    if (files.length) this.logger.info({ dir, files: files.length }, 'Hooks folder loaded');
    else this.logger.debug({ dir }, 'No hooks files');
    if (options.watchHooks && !this.#hooksWatch && existsSync(dir)) {
      this.#hooksWatch = watchHooksDir(dir, () => this.#reload(options));
    }
  }

  /**
   * Dev reload: closes the app (in-flight requests finish), drops what the hooks folder
   * registered, and serves again on the same port with fresh copies of its files. If
   * they fail, the error is logged and the app serves without them until the next change.
   */
  async #reload(options: ServeOptions): Promise<void> {
    if (this.#closing && !this.#restarting) return;
    this.logger.info('Hooks folder changed; restarting the app');
    // restartWith resets every runtime part (server, drivers, realtime) and keeps the port
    this.#reloading = this.restartWith(async (reopen) => {
      await this.restoreRegistrations(this.#registrations!);
      try {
        await this.#loadHooks(options);
        await reopen();
      } catch (error) {
        this.logger.error(
          { err: error },
          `Reload failed: ${(error as Error).message} — serving without the hooks folder until it changes again.`,
        );
        // a failure after bootstrap (a route clash) leaves the database open: release it first
        await this.#services?.db.close().catch(() => {});
        await this.restoreRegistrations(this.#registrations!);
        await reopen();
      }
    });
    await this.#reloading;
  }

  /**
   * Closes the app (in-flight requests finish), then runs `between` with the server and
   * database closed; `between` serves again on the same port by calling `reopen`, and may
   * undo its change and call `reopen` once more if that fails. A backup restore swaps the
   * data in between, where PocketBase restarts its process.
   */
  async restartWith(between: (reopen: () => Promise<void>) => Promise<void>): Promise<void> {
    this.#restarting = true;
    await this.close();
    this.#closing = null;
    this.#services = null;
    this.#server = null;
    // realtime and pub/sub were closed with the app; serve() opens fresh ones
    this.#realtime = null;
    this.#pubsub = null;
    this.#draining = false;
    this.#restarting = false;
    await between(async () => {
      this.#services = null;
      await this.serve();
    });
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
      if (!this.#restarting) {
        this.#hooksWatch?.close();
        await this.#reloading?.catch(() => {});
      }
      this.#draining = true;
      await this.#server?.close();
      await this.#realtime?.close();
      await this.#pubsub?.close();
      // last-used times of API keys are batched in memory; keep them
      await this.#services?.apiKeys.flush().catch(() => {});
      // workers stop before the database closes; unfinished jobs are retried after their lease
      await this.cron.close();
      await this.jobs.close(Math.min(this.config.shutdownTimeout || 10_000, 10_000));
      await this.#services?.db.close();
      await this.#observability?.close();
      this.#observability = null;
      await this.#services?.storage.close();
      this.logger.flush?.();
    })();
    return this.#closing;
  }

  /** Metrics, tracing, readiness checks and the request log; exists once bootstrapped. */
  get observability(): Observability {
    if (!this.#observability)
      throw new Error('Observability starts with bootstrap(): call bootstrap() or serve() first.');
    return this.#observability;
  }

  /** Realtime subscriptions: `publish(topic, data)` to custom topics, `sendToClient(id, event, data)`. Exists once serving. */
  get realtime(): RealtimeService {
    if (!this.#realtime) throw new Error('Realtime starts with serve(): call serve() first.');
    return this.#realtime;
  }

  /** Opens the pub/sub driver and starts realtime fan-out over it (once). */
  async #startRealtime(): Promise<RealtimeService> {
    if (this.#realtime) return this.#realtime;
    this.#pubsub = await openPubSub(this.config.pubsubUrl);
    const pubsub = this.#pubsub;
    // readiness: a publish is a round trip to Redis/NATS (instant in memory)
    this.observability.readiness.add('pubsub', () => pubsub.publish('basalt.readiness', new Uint8Array(0)));
    const { db, collections, records, auth } = this.services;
    const realtime = new RealtimeService({
      db,
      pubsub: this.#pubsub,
      collections,
      records,
      auth,
      logger: this.logger,
      settings: {
        maxBufferBytes: this.config.realtimeBufferLimit,
        idleTimeoutMs: this.config.realtimeIdleTimeout,
        heartbeatMs: this.config.realtimeHeartbeat,
      },
    });
    await realtime.start();
    this.observability.watchRealtime(() => realtime.stats());
    this.#realtime = realtime;
    return realtime;
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
