/** The public surface of observability/: metrics, tracing, readiness and the request log. */
export { type LogListQuery, type LogRecord, LogsQuery } from './logs-query.ts';
export { type LogsSettings, logsSettingsSection } from './logs-settings.ts';
export { LATENCY_BUCKETS, type MetricSpec, MetricsService } from './metrics-service.ts';
export { Observability, type ObservabilityOptions, openObservability } from './observability.ts';
export { type CheckResult, Readiness, type ReadinessCheck } from './readiness.ts';
export { REDACT_PATHS, redactUrl, SECRET_HEADERS, SECRET_NAMES } from './redact.ts';
export { type LogEntry, RequestLogStore } from './request-log-store.ts';
export { Tracing, type TracingOptions } from './tracing.ts';
