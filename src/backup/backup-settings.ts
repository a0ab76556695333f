import { Cron } from 'croner';
import { type ErrorData, fieldError } from '../lib/errors.ts';
import type { SettingsSection } from '../settings/settings-service.ts';
import { type S3Settings, s3SettingsDefaults, s3SettingsProblems } from '../storage/index.ts';

/** S3 target of backups, in PocketBase's shape (the same as the `s3` section). */
export type BackupS3Settings = S3Settings;

/**
 * The `backups` settings section: PocketBase's `cron`, `cronMaxKeep` and `s3`, plus
 * Basalt's `cronKeepDaily` / `cronKeepWeekly` (0 = off), which keep the newest automatic
 * backup of each of the last N days / ISO weeks on top of the last `cronMaxKeep`.
 */
export interface BackupSettings {
  [key: string]: unknown;
  cron: string;
  cronMaxKeep: number;
  cronKeepDaily: number;
  cronKeepWeekly: number;
  s3: BackupS3Settings;
}

/** The section as registered with the settings service. */
export const backupSettingsSection: SettingsSection<BackupSettings> = {
  name: 'backups',
  secrets: ['s3.secret'],
  defaults: () => ({
    cron: '',
    cronMaxKeep: 3,
    cronKeepDaily: 0,
    cronKeepWeekly: 0,
    s3: s3SettingsDefaults(),
  }),
  validate(v) {
    const problems: ErrorData = {};
    if (typeof v.cron !== 'string')
      problems.cron = fieldError('validation_invalid_cron', 'Must be a string.');
    else if (v.cron.trim()) {
      try {
        new Cron(v.cron, { paused: true }).stop();
      } catch (err) {
        problems.cron = fieldError(
          'validation_invalid_cron',
          `Invalid cron expression: ${(err as Error).message}`,
        );
      }
    }
    for (const key of ['cronMaxKeep', 'cronKeepDaily', 'cronKeepWeekly'] as const)
      if (!Number.isInteger(v[key]) || v[key] < 0)
        problems[key] = fieldError(
          'validation_min_greater_equal_than_required',
          'Must be a whole number, 0 or more.',
        );
    // as PocketBase: a schedule must keep at least one backup
    if (!problems.cronMaxKeep && typeof v.cron === 'string' && v.cron.trim() && v.cronMaxKeep < 1)
      problems.cronMaxKeep = fieldError(
        'validation_required',
        'Cannot be blank while a cron schedule is set.',
      );
    const s3 = s3SettingsProblems(v.s3);
    if (s3) problems.s3 = s3;
    return Object.keys(problems).length ? problems : null;
  },
};

/** The store location and credentials the settings name: S3 when enabled, else `fallback`. */
export function storeFromSettings(
  settings: BackupSettings,
  fallback: string,
): { location: string; accessKey?: string; secret?: string } {
  const s3 = settings.s3;
  if (!s3?.enabled) return { location: fallback };
  const query = new URLSearchParams({ region: s3.region, endpoint: s3.endpoint });
  if (s3.forcePathStyle) query.set('forcePathStyle', 'true');
  return { location: `s3://${s3.bucket}/?${query}`, accessKey: s3.accessKey, secret: s3.secret };
}
