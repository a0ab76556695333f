/** Stable codes of backup failures; the API maps them to HTTP answers, the CLI to messages. */
export type BackupErrorCode =
  /** the archive is damaged: unreadable, truncated, or a checksum does not match */
  | 'backup_corrupt'
  /** the archive is sound but this build cannot restore it (format, version, engine) */
  | 'backup_incompatible'
  /** no archive with that name in the store */
  | 'backup_not_found'
  /** another backup or restore is running */
  | 'backup_in_progress'
  /** the name is not allowed or already taken */
  | 'backup_invalid_name'
  /** this setup cannot be backed up or restored this way (e.g. no snapshot capability) */
  | 'backup_unsupported';

/** A backup failure with a stable code and a message that says how to go on. */
export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
    this.code = code;
  }
}
