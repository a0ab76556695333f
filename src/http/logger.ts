import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';
import { isoClock, perMillisecond } from '../lib/time.ts';
import { LogStream } from './log-stream.ts';
import { REDACT_PATHS } from '../observability/index.ts';

// which names are secret, and the redaction of URLs, live with the request log (observability)
export { redactUrl, SECRET_NAMES } from '../observability/index.ts';

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
      : new LogStream(2));
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'basalt' },
      // many lines share a millisecond under load: its timestamp is formatted once
      timestamp: timestamp(),
    },
    destination,
  );
}

/** pino's `time` field (`,"time":"…"`), made once per millisecond. */
function timestamp(): () => string {
  const iso = isoClock();
  return perMillisecond((ms) => `,"time":"${iso(ms)}"`);
}

/** pino-pretty loads only when asked for (development), keeping it out of production memory. */
function loadPretty(): (options: Record<string, unknown>) => pino.DestinationStream {
  return createRequire(import.meta.url)('pino-pretty');
}
