import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DbDriver } from '../db/index.ts';
import { instrumentDb } from './db-instrument.ts';
import { instrumentHttp } from './http-instrument.ts';
import { registerJobsMetrics } from './jobs-metrics.ts';
import { LogsQuery } from './logs-query.ts';
import { type LogsSettings, logsSettingsSection } from './logs-settings.ts';
import { createMetricsAccess } from './metrics-access.ts';
import { MetricsService } from './metrics-service.ts';
import { OpenRequests } from './open-requests.ts';
import { Readiness } from './readiness.ts';
import { openRequestLogStore, type RequestLogStore } from './request-log-store.ts';
import { openTracing, Tracing } from './tracing.ts';

/** The realtime service's figures (`RealtimeService.stats()`), typed here by shape. */
export interface RealtimeFigures {
  clients: number;
  subscriptions: number;
  backlog: number;
  dropped: number;
  cutOff: number;
}

/** What observability needs from the configuration. */
export interface ObservabilityOptions {
  /** OTLP/HTTP endpoint for traces; null or empty turns tracing off */
  otlpEndpoint: string | null;
  metricsToken: string | null;
  metricsAllow: string[];
  /** false: no metrics are collected (no request or statement timing) and /metrics is closed */
  metrics?: boolean;
}

/**
 * One app's metrics, tracing, readiness checks and request log. Components register
 * their metrics on `metrics` and their engine checks on `readiness`; wrap work in
 * `tracing.span(...)` to make it part of the active trace.
 */
export class Observability {
  readonly metrics: MetricsService;
  /** false when metrics are turned off by configuration */
  readonly metricsEnabled: boolean;
  readonly tracing: Tracing;
  readonly readiness = new Readiness();
  readonly canScrape: (ip: string, authorization?: string) => boolean;
  /**
   * The in-flight counts, null when metrics are off; the HTTP server counts each request
   * in from its first step (`openRequests.start` as `HttpServerOptions.onRequestStart`)
   */
  readonly openRequests: OpenRequests | null;
  requestLogs: RequestLogStore | null = null;
  logs: LogsQuery | null = null;
  #logsSettings: () => LogsSettings = logsSettingsSection.defaults;

  constructor(options: ObservabilityOptions, tracing: Tracing) {
    this.metricsEnabled = options.metrics !== false;
    this.metrics = new MetricsService({ defaultMetrics: this.metricsEnabled });
    this.openRequests = this.metricsEnabled ? new OpenRequests(this.metrics) : null;
    this.tracing = tracing;
    this.canScrape = createMetricsAccess({ token: options.metricsToken ?? '', allow: options.metricsAllow });
  }

  /** The database with statement timings, spans, write-queue gauges and a readiness ping. */
  instrumentDb(db: DbDriver): DbDriver {
    this.readiness.add('database', async () => {
      await db.get('SELECT 1');
    });
    // with neither metrics nor tracing there is nothing to observe: the driver stays bare
    if (!this.metricsEnabled && !this.tracing.enabled) return db;
    return instrumentDb(db, this.metrics, this.tracing);
  }

  /** Job queue gauges (by state, retrying, lag) read from the jobs table at scrape time. */
  watchJobs(db: DbDriver): void {
    if (this.metricsEnabled) registerJobsMetrics(this.metrics, db);
  }

  /** Realtime gauges read at scrape time from the realtime service's own figures. */
  watchRealtime(stats: () => RealtimeFigures): void {
    if (!this.metricsEnabled) return;
    const figures: [keyof RealtimeFigures, string, string][] = [
      ['clients', 'realtime_clients', 'Realtime clients (SSE and WebSocket) connected to this node.'],
      ['subscriptions', 'realtime_subscriptions', 'Subscriptions held by those clients.'],
      ['backlog', 'realtime_backlog', 'Realtime messages waiting to be delivered.'],
      ['dropped', 'realtime_dropped_messages', 'Messages dropped since start because the backlog was full.'],
      ['cutOff', 'realtime_cut_off_clients', 'Clients disconnected since start for falling too far behind.'],
    ];
    for (const [key, name, help] of figures)
      this.metrics.gauge({ name, help, collect: (g) => g.set(stats()[key]) });
  }

  /** Opens the request log database (`url`, e.g. `sqlite:///data/auxiliary.db`) with live settings. */
  async openRequestLogs(url: string, settings: () => LogsSettings): Promise<void> {
    this.#logsSettings = settings;
    this.requestLogs = await openRequestLogStore(url, settings);
    this.logs = new LogsQuery(this.requestLogs.db);
    const store = this.requestLogs;
    this.metrics.gauge({
      name: 'request_logs_pending',
      help: 'Request log entries waiting to be written.',
      collect: (g) => g.set(store.pending),
    });
    this.metrics.gauge({
      name: 'request_logs_dropped',
      help: 'Request log entries dropped because the log database fell behind.',
      collect: (g) => g.set(store.dropped),
    });
    this.metrics.gauge({
      name: 'request_logs_over_rate',
      help: 'Successful requests not stored in the request log because logs.maxRequestsPerSecond was reached.',
      collect: (g) => g.set(store.overRate),
    });
  }

  /** Access lines, request metrics, spans and stored request logs on a server. */
  instrumentHttp(server: FastifyInstance, logger: Logger): void {
    instrumentHttp(server, {
      logger,
      metrics: this.metricsEnabled ? this.metrics : null,
      open: this.openRequests,
      tracing: this.tracing,
      requestLogs: this.requestLogs,
      logsSettings: () => this.#logsSettings(),
    });
  }

  /** Writes queued logs and spans, then closes the log database. */
  async close(): Promise<void> {
    await this.requestLogs?.close();
    await this.tracing.close();
  }
}

/** Builds observability; the OpenTelemetry SDK loads only when an endpoint is set. */
export async function openObservability(options: ObservabilityOptions): Promise<Observability> {
  const tracing = options.otlpEndpoint ? await openTracing({ endpoint: options.otlpEndpoint }) : Tracing.off;
  return new Observability(options, tracing);
}
