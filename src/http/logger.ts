import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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
  '*.password',
  '*.passwordConfirm',
  '*.token',
  '*.secret',
  '*.secretAccessKey',
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
      ? pretty({
          colorize: process.stderr.isTTY,
          destination: 2,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          sync: true,
        })
      : pino.destination({ fd: 2, sync: false }));
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

const SECRET_QUERY = new RegExp(`([?&](?:${SECRET_NAMES.join('|')})=)[^&#]*`, 'gi');

/** Replaces secret query parameter values in a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}
