import {
  boolValue,
  bytesValue,
  durationValue,
  enumValue,
  hostPortValue,
  intValue,
  isIpOrCidr,
  isOrigin,
  listValue,
  pathValue,
  stringValue,
  urlValue,
  type ValueType,
} from './config-values.ts';

/** Log levels, as pino names them. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The resolved configuration. Paths are absolute; sizes are bytes; durations are
 * milliseconds (0 means "no limit" where the description says so).
 */
export interface Config {
  /** address the HTTP server listens on, `host:port` */
  http: string;
  /** the data directory (absolute) */
  dir: string;
  /** the config file that was read (absolute), or null when none was */
  config: string | null;
  /** the database, e.g. `sqlite:///abs/basalt_data/data.db` or `postgres://…` */
  databaseUrl: string;
  /** `full` makes every commit durable on power loss; `normal` survives process crashes */
  dbSync: 'normal' | 'full';
  /** development mode: pretty, verbose logs */
  dev: boolean;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  /** CORS allowed origins; `['*']` allows any */
  origins: string[];
  /** largest accepted request body, in bytes */
  bodyLimit: number;
  /** time to receive a whole request, in ms; 0 disables */
  requestTimeout: number;
  /** how long a graceful shutdown may take before the process exits anyway, in ms; 0 waits forever */
  shutdownTimeout: number;
  filterMaxLength: number;
  filterMaxExpressions: number;
  perPageMax: number;
  expandMaxDepth: number;
  /** proxies (IPs or CIDR ranges) whose forwarding headers are believed */
  trustedProxies: string[];
  /** folder of the app's schema migrations (absolute) */
  migrationsDir: string;
  /** folder of app code files that `basalt serve` loads at start (absolute) */
  hooksDir: string;
  cacheUrl: string;
  storageUrl: string;
  /** URL path prefix of the S3-compatible endpoint, e.g. `/s3`; empty when switched off */
  s3Prefix: string;
  pubsubUrl: string;
  /** unsent bytes past which a realtime client is cut off */
  realtimeBufferLimit: number;
  /** how long a realtime client without subscriptions stays connected, in ms */
  realtimeIdleTimeout: number;
  /** quiet time after which a realtime client gets a keep-alive, in ms */
  realtimeHeartbeat: number;
  /** lets every webhook reach private, loopback and link-local addresses */
  webhooksAllowPrivate: boolean;
  /** bearer token that may read /metrics from any address; null: address allow-list only */
  metricsToken: string | null;
  /** addresses (IPs or CIDR ranges) that may read /metrics without a token */
  metricsAllow: string[];
  /** collect metrics and serve /metrics */
  metrics: boolean;
  /** OTLP/HTTP endpoint traces are exported to; null turns tracing off */
  otlpEndpoint: string | null;
}

/** A URL path prefix such as `/s3`, or `off` (stored as an empty string). */
const s3PrefixValue: ValueType<string> = {
  placeholder: 'PATH',
  expected: 'a URL path starting with / (e.g. /s3), or off',
  parse: (raw) => {
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    if (value === 'off' || value === '') return '';
    return value && /^\/[A-Za-z0-9._~\/-]*[^/]$/.test(value) ? value : undefined;
  },
  format: (value) => value || 'off',
};

/** Options whose defaults are fixed, which other defaults may depend on. */
export type DefaultBasis = Pick<Config, 'dir' | 'dev'>;

/** One option: its names in every source, its type, default and description. */
export interface OptionDefinition<T> {
  /** `BASALT_*` environment variable */
  readonly env: string;
  /** flag name without dashes (PocketBase's spelling where PocketBase has the option) */
  readonly flag: string;
  /** parses and validates a raw value */
  readonly type: ValueType<T>;
  /** a raw default (parsed like any other value), a function of `dir`/`dev`, or null for "none" */
  readonly default: string | ((basis: DefaultBasis) => string) | null;
  /** how help shows a computed default */
  readonly defaultText?: string;
  readonly description: string;
  /** false for options that a config file may not set */
  readonly inFile?: boolean;
}

type OptionTable = { readonly [K in keyof Config]: OptionDefinition<Exclude<Config[K], null>> };

const int = (min: number, max: number) => intValue(min, max);

/**
 * Every configuration option, in help order. Keys are the `Config` keys; values load
 * from defaults < config file < environment < flags.
 */
export const configOptions = {
  http: {
    env: 'BASALT_HTTP',
    flag: 'http',
    type: hostPortValue,
    default: '127.0.0.1:8090',
    description: 'Address the HTTP server listens on (use 0.0.0.0:8090 for every interface).',
  },
  dir: {
    env: 'BASALT_DIR',
    flag: 'dir',
    type: pathValue,
    default: './basalt_data',
    description: 'The data directory: database, stored files, basalt.json.',
  },
  config: {
    env: 'BASALT_CONFIG',
    flag: 'config',
    type: pathValue,
    default: null,
    defaultText: '<dir>/basalt.json if it exists',
    description: 'JSON config file to read.',
    inFile: false,
  },
  databaseUrl: {
    env: 'BASALT_DATABASE_URL',
    flag: 'database-url',
    type: urlValue('sqlite:///srv/basalt/data.db or postgres://user@host:5432/db'),
    default: ({ dir }) => `sqlite://${dir}/data.db`,
    defaultText: 'sqlite://<dir>/data.db',
    description: 'The database.',
  },
  dbSync: {
    env: 'BASALT_DB_SYNC',
    flag: 'db-sync',
    type: enumValue(['normal', 'full']),
    default: 'normal',
    description:
      'Durability of commits and stored files: full survives power loss, normal survives process crashes.',
  },
  dev: {
    env: 'BASALT_DEV',
    flag: 'dev',
    type: boolValue,
    default: 'false',
    description: 'Development mode: pretty, verbose logs.',
  },
  logLevel: {
    env: 'BASALT_LOG_LEVEL',
    flag: 'log-level',
    type: enumValue(LOG_LEVELS),
    default: ({ dev }) => (dev ? 'debug' : 'info'),
    defaultText: 'info (debug with --dev)',
    description: 'Least severe level that is logged.',
  },
  logFormat: {
    env: 'BASALT_LOG_FORMAT',
    flag: 'log-format',
    type: enumValue(['json', 'pretty']),
    default: ({ dev }) => (dev ? 'pretty' : 'json'),
    defaultText: 'json (pretty with --dev)',
    description: 'Log line format.',
  },
  origins: {
    env: 'BASALT_ORIGINS',
    flag: 'origins',
    type: listValue(isOrigin, 'a comma-separated list of origins such as https://app.example.com, or *'),
    default: '*',
    description: 'CORS allowed origins.',
  },
  bodyLimit: {
    env: 'BASALT_BODY_LIMIT',
    flag: 'body-limit',
    type: bytesValue,
    default: '32MiB',
    description: 'Largest accepted request body.',
  },
  requestTimeout: {
    env: 'BASALT_REQUEST_TIMEOUT',
    flag: 'request-timeout',
    type: durationValue,
    default: '5m',
    description: 'Time allowed to receive a whole request; 0 disables.',
  },
  shutdownTimeout: {
    env: 'BASALT_SHUTDOWN_TIMEOUT',
    flag: 'shutdown-timeout',
    type: durationValue,
    default: '30s',
    description: 'Time a graceful shutdown may take before the process exits anyway; 0 waits forever.',
  },
  filterMaxLength: {
    env: 'BASALT_FILTER_MAX_LENGTH',
    flag: 'filter-max-length',
    type: int(1, 1_000_000),
    default: '3500',
    description: 'Longest accepted filter expression, in characters.',
  },
  filterMaxExpressions: {
    env: 'BASALT_FILTER_MAX_EXPRESSIONS',
    flag: 'filter-max-expressions',
    type: int(1, 100_000),
    default: '200',
    description: 'Most comparisons one filter may contain.',
  },
  perPageMax: {
    env: 'BASALT_PER_PAGE_MAX',
    flag: 'per-page-max',
    type: int(1, 1_000_000),
    default: '1000',
    description: 'Largest page size a list request may ask for.',
  },
  expandMaxDepth: {
    env: 'BASALT_EXPAND_MAX_DEPTH',
    flag: 'expand-max-depth',
    type: int(0, 20),
    default: '6',
    description: 'Deepest relation expand allowed.',
  },
  trustedProxies: {
    env: 'BASALT_TRUSTED_PROXIES',
    flag: 'trusted-proxies',
    type: listValue(isIpOrCidr, 'a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8'),
    default: '',
    defaultText: 'none',
    description: 'Proxies whose X-Forwarded-For headers are believed.',
  },
  migrationsDir: {
    env: 'BASALT_MIGRATIONS_DIR',
    flag: 'migrationsDir',
    type: pathValue,
    default: ({ dir }) => `${dir}/migrations`,
    defaultText: '<dir>/migrations',
    description: "Folder of the app's schema migrations.",
  },
  hooksDir: {
    env: 'BASALT_HOOKS_DIR',
    flag: 'hooksDir',
    type: pathValue,
    default: ({ dir }) => `${dir}/../basalt_hooks`,
    defaultText: '<dir>/../basalt_hooks',
    description: 'Folder of app code (*.ts files exporting default (app) => …) that serve loads at start.',
  },
  cacheUrl: {
    env: 'BASALT_CACHE_URL',
    flag: 'cache-url',
    type: urlValue('memory:// or redis://host:6379'),
    default: 'memory://',
    description: 'The cache.',
  },
  storageUrl: {
    env: 'BASALT_STORAGE_URL',
    flag: 'storage-url',
    type: urlValue('file:///srv/basalt/storage or s3://bucket?endpoint=…'),
    default: ({ dir }) => `file://${dir}/storage`,
    defaultText: 'file://<dir>/storage',
    description: 'File storage.',
  },
  s3Prefix: {
    env: 'BASALT_S3_PREFIX',
    flag: 's3-prefix',
    type: s3PrefixValue,
    default: '/s3',
    description: 'URL path prefix of the S3-compatible endpoint; off switches it off.',
  },
  pubsubUrl: {
    env: 'BASALT_PUBSUB_URL',
    flag: 'pubsub-url',
    type: urlValue('memory://, redis://host:6379 or nats://host:4222'),
    default: 'memory://',
    description: 'Pub/sub between nodes.',
  },
  realtimeBufferLimit: {
    env: 'BASALT_REALTIME_BUFFER_LIMIT',
    flag: 'realtime-buffer-limit',
    type: bytesValue,
    default: '1MiB',
    description: 'Unsent data past which a realtime client that stopped reading is cut off.',
  },
  realtimeIdleTimeout: {
    env: 'BASALT_REALTIME_IDLE_TIMEOUT',
    flag: 'realtime-idle-timeout',
    type: durationValue,
    default: '5m',
    description: 'How long a realtime client without subscriptions stays connected.',
  },
  realtimeHeartbeat: {
    env: 'BASALT_REALTIME_HEARTBEAT',
    flag: 'realtime-heartbeat',
    type: durationValue,
    default: '30s',
    description: 'Quiet time after which a realtime client gets a keep-alive.',
  },
  webhooksAllowPrivate: {
    env: 'BASALT_WEBHOOKS_ALLOW_PRIVATE',
    flag: 'webhooks-allow-private',
    type: boolValue,
    default: 'false',
    description: 'Let every webhook deliver to private, loopback and link-local addresses.',
  },
  metricsToken: {
    env: 'BASALT_METRICS_TOKEN',
    flag: 'metrics-token',
    type: stringValue('TOKEN', 'a secret string'),
    default: null,
    defaultText: 'none',
    description: 'Bearer token that may read /metrics from any address.',
  },
  metricsAllow: {
    env: 'BASALT_METRICS_ALLOW',
    flag: 'metrics-allow',
    type: listValue(isIpOrCidr, 'a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8'),
    default: '127.0.0.1,::1',
    description: 'Addresses that may read /metrics without a token.',
  },
  metrics: {
    env: 'BASALT_METRICS',
    flag: 'metrics',
    type: boolValue,
    default: 'true',
    description: 'Collect metrics and serve them at /metrics; false turns both off.',
  },
  otlpEndpoint: {
    env: 'BASALT_OTLP_ENDPOINT',
    flag: 'otlp-endpoint',
    type: urlValue('http://collector:4318'),
    default: null,
    defaultText: 'none (tracing off)',
    description: 'OTLP/HTTP endpoint traces are sent to; unset turns tracing off.',
  },
} as const satisfies OptionTable;

/** A `Config` key. */
export type ConfigKey = keyof Config;

/** The keys in help order. */
export const CONFIG_KEYS = Object.keys(configOptions) as ConfigKey[];
