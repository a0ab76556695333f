import { fileURLToPath } from 'node:url';
import type { StorageDriver } from './storage-driver.ts';

/** Storage URL schemes and the driver each opens; engine libraries load only when chosen. */
const SCHEMES: Record<string, (url: string) => Promise<StorageDriver>> = {
  'file:': async (url) => (await import('./drivers/disk.ts')).openDiskStorage(fileURLToPath(url)),
  's3:': async (url) => (await import('./drivers/s3.ts')).openS3Storage(url),
};

/** Opens the storage driver a URL names (`file:///abs/dir` or `s3://bucket?…`). */
export async function openStorage(url: string): Promise<StorageDriver> {
  const scheme = /^[a-z0-9+.-]+:/i.exec(url)?.[0].toLowerCase() ?? '';
  const open = SCHEMES[scheme];
  if (!open) {
    throw new Error(
      `The storage URL scheme "${scheme || url}" is not known. Use one of: ${Object.keys(SCHEMES)
        .map((s) => `${s}//`)
        .join(', ')}.`,
    );
  }
  return open(url);
}
