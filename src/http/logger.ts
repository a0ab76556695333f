import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';
import { perMillisecond } from '../lib/time.ts';
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
      : // written in blocks of 16 KB or every half second, whichever comes first: each write
        // is a round trip through libuv's thread pool, far dearer than a log line
        pino.destination({ fd: 2, sync: false, minLength: 16_384, maxWrite: 32_768, periodicFlush: 500 }));
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'basalt' },
      // many lines share a millisecond under load: its timestamp is formatted once
      timestamp: perMillisecond((ms) => `,"time":"${new Date(ms).toISOString()}"`),
    },
    destination,
  );
}

/** pino-pretty loads only when asked for (development), keeping it out of production memory. */
function loadPretty(): (options: Record<string, unknown>) => pino.DestinationStream {
  return createRequire(import.meta.url)('pino-pretty');
}
