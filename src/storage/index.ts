/** The storage component: what other folders may import. */
export { removeReleasedFiles } from './file-cleanup.ts';
export { signFileToken, verifyFileToken } from './file-token.ts';
export { type OpenStorageOptions, openStorage } from './open-storage.ts';
export { type OrphanReport, sweepOrphans } from './orphans.ts';
export { RecordUploads } from './record-uploads.ts';
export {
  type S3Settings,
  s3SettingsDefaults,
  s3SettingsProblems,
  s3SettingsSection,
  storageUrlFromS3Settings,
} from './s3-settings.ts';
export { SizeLimit } from './size-limit.ts';
export { sniffType } from './sniff-type.ts';
export { startStorage } from './start-storage.ts';
export type { ByteRange, StorageDriver, StorageObjectInfo, StorageSync } from './storage-driver.ts';
export { StorageError } from './storage-driver.ts';
export { StorageService, type StorageUsage } from './storage-service.ts';
export { DEFAULT_THUMB_SIZES, THUMB_SOURCE_TYPES, thumbnail } from './thumbs.ts';
