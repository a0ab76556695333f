import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackupStore } from './backup-store.ts';

/** Credentials kept out of store URLs, so URLs can be logged. */
export interface BackupStoreCredentials {
  accessKey?: string;
  secret?: string;
}

type Opener = (url: URL, credentials: BackupStoreCredentials) => Promise<BackupStore>;

/** URL scheme → driver; engine libraries load only when their scheme is used. */
const STORES: Record<string, Opener> = {
  'file:': async (url) => {
    const { DiskBackupStore } = await import('./drivers/disk.ts');
    return new DiskBackupStore(fileURLToPath(url));
  },
  's3:': async (url, credentials) => {
    const { S3BackupStore } = await import('./drivers/s3.ts');
    const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    return new S3BackupStore({
      bucket: url.hostname,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
      region: url.searchParams.get('region') ?? '',
      endpoint: url.searchParams.get('endpoint') ?? '',
      forcePathStyle: url.searchParams.get('forcePathStyle') === 'true',
      // explicit credentials, else the URL's user:password, else the usual AWS variables
      accessKey:
        credentials.accessKey || decodeURIComponent(url.username) || process.env.AWS_ACCESS_KEY_ID || '',
      secret:
        credentials.secret || decodeURIComponent(url.password) || process.env.AWS_SECRET_ACCESS_KEY || '',
    });
  },
};

/**
 * Opens the backup store a URL names: `file:///srv/backups` (or a plain path) or
 * `s3://[KEY:SECRET@]bucket/prefix?endpoint=https://…&region=…&forcePathStyle=true`. Fails with the
 * known schemes for anything else.
 */
export async function openBackupStore(
  location: string,
  credentials: BackupStoreCredentials = {},
): Promise<BackupStore> {
  const url = /^[a-z][a-z0-9+.-]+:\/\//i.test(location)
    ? new URL(location)
    : new URL(`file://${isAbsolute(location) ? location : resolve(location)}`);
  const open = STORES[url.protocol];
  if (!open)
    throw new Error(
      `Unknown backup store ${url.protocol}//…: expected file:///path/to/backups or s3://bucket/prefix?endpoint=…`,
    );
  return open(url, credentials);
}
