import type { ErrorData } from '../lib/errors.ts';
import { fieldError } from '../lib/errors.ts';

/**
 * The `logs` settings section in PocketBase's shape, plus Basalt's `sampleRate`:
 * the share of successful requests kept in the request log (errors are always kept).
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
}

/** The section as `SettingsService.register` takes it. */
export const logsSettingsSection = {
  name: 'logs',
  defaults: (): LogsSettings => ({ maxDays: 5, minLevel: 0, logIP: true, logAuthId: false, sampleRate: 1 }),
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
    return Object.keys(problems).length ? problems : null;
  },
};
