import { fileURLToPath } from 'node:url';
import type { StorageDriver, StorageSync } from './storage-driver.ts';

/** How to open a driver besides its URL. */
export interface OpenStorageOptions {
  /**
   * Durability of acknowledged writes (default `full`). The disk driver follows it; an S3
   * service keeps its own promise, whatever this says.
   */
  sync?: StorageSync;
}

/** Storage URL schemes and the driver each opens; engine libraries load only when chosen. */
const SCHEMES: Record<string, (url: string, options: OpenStorageOptions) => Promise<StorageDriver>> = {
  'file:': async (url, options) =>
    (await import('./drivers/disk.ts')).openDiskStorage(fileURLToPath(url), { sync: options.sync ?? 'full' }),
  's3:': async (url) => (await import('./drivers/s3.ts')).openS3Storage(url),
};

/** Opens the storage driver a URL names (`file:///abs/dir` or `s3://bucket?…`). */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<StorageDriver> {
  const scheme = /^[a-z0-9+.-]+:/i.exec(url)?.[0].toLowerCase() ?? '';
  const open = SCHEMES[scheme];
  if (!open) {
    throw new Error(
      `The storage URL scheme "${scheme || url}" is not known. Use one of: ${Object.keys(SCHEMES)
        .map((s) => `${s}//`)
        .join(', ')}.`,
    );
  }
  return open(url, options);
}
