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

/**
 * The `s3` section of `/api/settings`, in PocketBase's shape, with its secret kept out
 * of answers. Basalt's storage driver follows `storageUrl`; this section is stored,
 * validated and testable (`POST /api/settings/test/s3`) for PocketBase clients and the
 * dashboard, and `storageUrlFromS3Settings` turns it into a storage URL.
 */
export const s3SettingsSection: SettingsSection<S3Settings> = {
  name: 's3',
  secrets: ['secret'],
  defaults: () => ({
    enabled: false,
    bucket: '',
    region: '',
    endpoint: '',
    accessKey: '',
    secret: '',
    forcePathStyle: false,
  }),
  validate(s3) {
    const problems: ErrorData = {};
    if (s3.endpoint && !URL.canParse(String(s3.endpoint)))
      problems.endpoint = fieldError('validation_is_url', 'Must be a valid URL.');
    if (s3.enabled) {
      for (const key of ['endpoint', 'bucket', 'region', 'accessKey', 'secret'] as const) {
        if (!s3[key] && !problems[key]) problems[key] = fieldError('validation_required', 'Cannot be blank.');
      }
    }
    return Object.keys(problems).length ? problems : null;
  },
};

/** The storage URL an S3 settings object names (credentials in the URL). */
export function storageUrlFromS3Settings(s3: S3Settings): string {
  const query = new URLSearchParams({ region: s3.region, endpoint: s3.endpoint });
  if (s3.forcePathStyle) query.set('forcePathStyle', 'true');
  const credentials = `${encodeURIComponent(s3.accessKey)}:${encodeURIComponent(s3.secret)}@`;
  return `s3://${credentials}${encodeURIComponent(s3.bucket)}?${query}`;
}
