import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';

/** Header, body and query names whose values never reach a log line. */
export const SECRET_NAMES = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passwordConfirm',
  'oldPassword',
  'token',
  'secret',
  'apiKey',
  'key',
] as const;

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  // explicit paths, not `*.x` wildcards: a wildcard makes pino walk every object of
  // every log line, a third of a cached view request's cost
  'password',
  'passwordConfirm',
  'token',
  'secret',
  'secretAccessKey',
  'body.password',
  'body.passwordConfirm',
  'body.token',
];

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  destination?: pino.DestinationStream;
}

/**
 * The process logger, on stderr so stdout stays for command output: JSON lines with
 * secrets redacted; `pretty` prints readable colored lines for development.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    (options.format === 'pretty'
      ? loadPretty()({
          colorize: process.stderr.isTTY,
          destination: 2,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          sync: true,
        })
      : pino.destination({ fd: 2, sync: false, minLength: 4096 }));
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'basalt' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** pino-pretty loads only when asked for (development), keeping it out of production memory. */
function loadPretty(): (options: Record<string, unknown>) => pino.DestinationStream {
  return createRequire(import.meta.url)('pino-pretty');
}

const SECRET_QUERY = new RegExp(`([?&](?:${SECRET_NAMES.join('|')})=)[^&#]*`, 'gi');

/** Replaces secret query parameter values in a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}
