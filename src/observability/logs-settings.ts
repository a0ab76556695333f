import type { ErrorData } from '../lib/errors.ts';
import { fieldError } from '../lib/errors.ts';

/**
 * The `logs` settings section in PocketBase's shape, plus Basalt's two bounds on how many
 * successful requests the request log keeps (errors are always kept): `sampleRate`, a
 * share, and `maxRequestsPerSecond`, a rate.
 */
export interface LogsSettings {
  [key: string]: unknown;
  /** days request logs are kept; 0 stores none */
  maxDays: number;
  /** least level stored: -4 debug, 0 info, 4 warn, 8 error */
  minLevel: number;
  /** store the client IP */
  logIP: boolean;
  /** store the signed-in record id (the collection name is always stored) */
  logAuthId: boolean;
  /** 0..1: share of successful requests stored */
  sampleRate: number;
  /**
   * successful requests stored per second at most, on average (bursts of up to one
   * second's worth); 0 = no bound. A quiet or ordinary app stores every request, as
   * PocketBase does; a busy one keeps an even sample of its successes plus every error,
   * so the log database stays a few GB and storing costs the request path almost nothing.
   */
  maxRequestsPerSecond: number;
}

/** The section as `SettingsService.register` takes it. */
export const logsSettingsSection = {
  name: 'logs',
  defaults: (): LogsSettings => ({
    maxDays: 5,
    minLevel: 0,
    logIP: true,
    logAuthId: false,
    sampleRate: 1,
    maxRequestsPerSecond: 100,
  }),
  validate(value: LogsSettings): ErrorData | null {
    const problems: ErrorData = {};
    if (!Number.isInteger(value.maxDays) || value.maxDays < 0)
      problems.maxDays = fieldError(
        'validation_min_greater_equal_than_required',
        'Must be a whole number, 0 or more.',
      );
    if (!Number.isInteger(value.minLevel))
      problems.minLevel = fieldError(
        'validation_invalid_number',
        'Must be a whole number (-4 debug, 0 info, 4 warn, 8 error).',
      );
    for (const key of ['logIP', 'logAuthId'] as const)
      if (typeof value[key] !== 'boolean')
        problems[key] = fieldError('validation_invalid_bool', 'Must be true or false.');
    if (typeof value.sampleRate !== 'number' || !(value.sampleRate >= 0 && value.sampleRate <= 1))
      problems.sampleRate = fieldError('validation_invalid_number', 'Must be a number from 0 to 1.');
    if (!Number.isInteger(value.maxRequestsPerSecond) || value.maxRequestsPerSecond < 0)
      problems.maxRequestsPerSecond = fieldError(
        'validation_min_greater_equal_than_required',
        'Must be a whole number, 0 (no bound) or more.',
      );
    return Object.keys(problems).length ? problems : null;
  },
};
