/** The public surface of backup/: the service, its store contract and settings. */
export { archiveCompression, type ByteProgress } from './backup-archive.ts';
export { BackupError, type BackupErrorCode } from './backup-error.ts';
export { recoverInterruptedRestore } from './backup-journal.ts';
export type { BackupManifest, ManifestFile } from './backup-manifest.ts';
export { applyRetention, type RetentionPolicy } from './backup-retention.ts';
export { type BackupScheduler, localScheduler } from './backup-schedule.ts';
export { AUTO_PREFIX, BackupService, type BackupServiceOptions } from './backup-service.ts';
export { type BackupSettings, backupSettingsSection } from './backup-settings.ts';
export type { BackupObject, BackupStore } from './backup-store.ts';
export { isSafeKey } from './backup-store.ts';
export type { LiveTargets, PendingSwap } from './backup-swap.ts';
export { type BackupConfig, liveTargets, restoreTargets } from './backup-targets.ts';
export type { BackupProgress, VerifiedArchive } from './backup-verify.ts';
export { openBackupStore } from './open-backup-store.ts';
