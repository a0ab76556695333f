import { type ErrorData, fieldError } from '../lib/errors.ts';
import type { SettingsSection } from '../settings/settings-service.ts';

/** PocketBase's `s3` settings section: where file storage would live on S3. */
export interface S3Settings {
  [key: string]: unknown;
  enabled: boolean;
  bucket: string;
  region: string;
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

/** An S3 target that is off: PocketBase's defaults for both `s3` and `backups.s3`. */
export function s3SettingsDefaults(): S3Settings {
  return {
    enabled: false,
    bucket: '',
    region: '',
    endpoint: '',
    accessKey: '',
    secret: '',
    forcePathStyle: false,
  };
}

/** Problems of an S3 target (`s3` and `backups.s3`): an enabled one needs every field. */
export function s3SettingsProblems(s3: S3Settings): ErrorData | null {
  if (!s3 || typeof s3 !== 'object')
    return { enabled: fieldError('validation_invalid_object', 'Must be an object.') };
  const problems: ErrorData = {};
  if (s3.endpoint && !URL.canParse(String(s3.endpoint)))
    problems.endpoint = fieldError('validation_is_url', 'Must be a valid URL.');
  if (s3.enabled) {
    for (const key of ['endpoint', 'bucket', 'region', 'accessKey', 'secret'] as const) {
      if (!s3[key] && !problems[key]) problems[key] = fieldError('validation_required', 'Cannot be blank.');
    }
  }
  return Object.keys(problems).length ? problems : null;
}

/**
 * The `s3` section of `/api/settings`, in PocketBase's shape, with its secret kept out
 * of answers. Basalt's storage driver follows `storageUrl`; this section is stored,
 * validated and testable (`POST /api/settings/test/s3`) for PocketBase clients and the
 * dashboard, and `storageUrlFromS3Settings` turns it into a storage URL.
 */
export const s3SettingsSection: SettingsSection<S3Settings> = {
  name: 's3',
  secrets: ['secret'],
  defaults: s3SettingsDefaults,
  validate: s3SettingsProblems,
};

/** The storage URL an S3 settings object names (credentials in the URL). */
export function storageUrlFromS3Settings(s3: S3Settings): string {
  const query = new URLSearchParams({ region: s3.region, endpoint: s3.endpoint });
  if (s3.forcePathStyle) query.set('forcePathStyle', 'true');
  const credentials = `${encodeURIComponent(s3.accessKey)}:${encodeURIComponent(s3.secret)}@`;
  return `s3://${credentials}${encodeURIComponent(s3.bucket)}?${query}`;
}
