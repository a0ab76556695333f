import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DbDriver } from '../db/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { removeStaging } from './backup-archive.ts';
import { createArchive } from './backup-create.ts';
import { BackupError } from './backup-error.ts';
import { applyRetention, type RetentionPolicy } from './backup-retention.ts';
import type { BackupScheduler } from './backup-schedule.ts';
import type { BackupSettings } from './backup-settings.ts';
import { storeFromSettings } from './backup-settings.ts';
import type { BackupObject, BackupStore } from './backup-store.ts';
import { type LiveTargets, type PendingSwap, swapIn } from './backup-swap.ts';
import { type BackupConfig, defaultStoreFolder, liveTargets } from './backup-targets.ts';
import { type BackupProgress, type VerifiedArchive, verifyArchive } from './backup-verify.ts';
import { openBackupStore } from './open-backup-store.ts';

/** The id of the backup schedule in the app's cron. */
export const SCHEDULE_ID = 'basalt:backups';

/** Prefix of the names of scheduled backups (retention applies to these only, as PocketBase). */
export const AUTO_PREFIX = '@auto_';

/** What the backup service is built from. */
export interface BackupServiceOptions {
  config: BackupConfig;
  settings: SettingsService;
  /** the running Basalt's version (written in manifests; newer archives are refused) */
  basaltVersion?: string;
  /** the live database; absent where only verify/restore are needed */
  db?: DbDriver;
}

/**
 * Backups of one data dir: create, list, verify, prepare and apply restores, prune,
 * upload and download. One backup or restore runs at a time; a second one is refused
 * with `backup_in_progress`. The store is the one the `backups` settings name (S3 when
 * enabled, else `<dir>/backups`), or an explicit location given per call.
 */
export class BackupService {
  readonly #options: BackupServiceOptions;
  #active: string | null = null;

  readonly #version: string;

  constructor(options: BackupServiceOptions) {
    this.#options = options;
    this.#version = options.basaltVersion ?? packageVersion();
  }

  /** where the live data is (the data dir, database and storage URLs) */
  get config(): BackupConfig {
    return this.#options.config;
  }

  /** the key of the backup or restore running now, or null */
  get active(): string | null {
    return this.#active;
  }

  /** The current `backups` settings. */
  settings(): BackupSettings {
    return this.#options.settings.get().backups as BackupSettings;
  }

  /** Opens the store: `location` when given, else the one the settings name. */
  async openStore(location?: string): Promise<BackupStore> {
    if (location) return openBackupStore(location);
    const target = storeFromSettings(this.settings(), defaultStoreFolder(this.#options.config));
    return openBackupStore(target.location, target);
  }

  /** Runs `fn` with the store open, closing it after. */
  async withStore<T>(fn: (store: BackupStore) => Promise<T>, location?: string): Promise<T> {
    const store = await this.openStore(location);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  /** Every archive in the store, newest first. */
  list(location?: string): Promise<BackupObject[]> {
    return this.withStore((store) => store.list(), location);
  }

  /** A new name, e.g. `basalt_backup_20260102150405.tar.zst` (auto: prefixed `@auto_`). */
  static newName(auto = false): string {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `${auto ? AUTO_PREFIX : ''}basalt_backup_${stamp}.tar.zst`;
  }

  /** Takes a backup into the store under `key` (a fresh name when omitted); answers the key. */
  async create(
    key?: string,
    options: { location?: string; onProgress?: BackupProgress } = {},
  ): Promise<string> {
    const name = key || BackupService.newName();
    const db = this.#options.db;
    if (!db) throw new BackupError('backup_unsupported', 'No database is open to back up.');
    return this.#exclusive(name, () =>
      this.withStore(async (store) => {
        if (await store.exists(name))
          throw new BackupError(
            'backup_invalid_name',
            `A backup named ${name} already exists in ${store.location}.`,
          );
        const { dir } = this.#options.config;
        const archive = await createArchive(
          {
            db,
            storageDir: liveTargets(this.#options.config).storageDir,
            workDir: dir,
            basaltVersion: this.#version,
          },
          options.onProgress,
        );
        try {
          await store.put(name, archive);
        } finally {
          await rm(archive, { force: true });
        }
        return name;
      }, options.location),
    );
  }

  /** Proves an archive restorable (see verifyArchive), leaving nothing behind. */
  async verify(
    key: string,
    options: { location?: string; onProgress?: BackupProgress } = {},
  ): Promise<VerifiedArchive> {
    const staging = await this.#newStaging('verify');
    try {
      return await this.withStore(
        (store) => verifyArchive(store, key, staging, this.#version, options.onProgress),
        options.location,
      );
    } finally {
      await removeStaging(staging);
    }
  }

  /**
   * Verifies `key` and keeps it unpacked, ready for `swap`. The caller must `discard` the
   * answer when it does not swap. Marks a restore as running until discarded or swapped.
   */
  async prepareRestore(
    key: string,
    options: { location?: string; onProgress?: BackupProgress } = {},
  ): Promise<VerifiedArchive & { discard(): Promise<void> }> {
    this.#claim(key);
    const staging = await this.#newStaging('restore');
    try {
      const verified = await this.withStore(
        (store) => verifyArchive(store, key, staging, this.#version, options.onProgress),
        options.location,
      );
      return {
        ...verified,
        discard: async () => {
          await removeStaging(staging);
          this.#active = null;
        },
      };
    } catch (err) {
      await removeStaging(staging);
      this.#active = null;
      throw err;
    }
  }

  /** Moves a prepared archive into the live places; the database must be closed. */
  async swap(prepared: VerifiedArchive, targets: LiveTargets): Promise<PendingSwap> {
    const previous = join(this.#options.config.dir, `.restore-previous-${Date.now()}`);
    return swapIn(prepared.staging, targets, previous);
  }

  /** Deletes `key`; refused while a backup or restore uses it. */
  async delete(key: string, location?: string): Promise<void> {
    if (key === this.#active)
      throw new BackupError('backup_in_progress', 'The backup is in use right now and cannot be deleted.');
    await this.withStore(async (store) => {
      if (!(await store.exists(key)))
        throw new BackupError('backup_not_found', `There is no backup named ${key} in ${store.location}.`);
      await store.delete(key);
    }, location);
  }

  /**
   * Applies a retention policy to the automatic (`@auto_…`) archives, or to all with
   * `all`; answers the keys deleted (or that would be, with `dryRun`).
   */
  async prune(
    policy: RetentionPolicy,
    options: { location?: string; all?: boolean; dryRun?: boolean } = {},
  ): Promise<string[]> {
    return this.withStore(async (store) => {
      const candidates = (await store.list()).filter((b) => options.all || b.key.startsWith(AUTO_PREFIX));
      const { drop } = applyRetention(candidates, policy);
      if (!options.dryRun)
        for (const backup of drop) if (backup.key !== this.#active) await store.delete(backup.key);
      return drop.map((b) => b.key);
    }, options.location);
  }

  /** A scheduled run: a backup named `@auto_…`, then the settings' retention. */
  async runScheduled(): Promise<string> {
    const key = await this.create(BackupService.newName(true));
    const s = this.settings();
    await this.prune({ keepLast: s.cronMaxKeep, keepDaily: s.cronKeepDaily, keepWeekly: s.cronKeepWeekly });
    return key;
  }

  /**
   * Keeps `scheduler` running `runScheduled` on the settings' `cron`, following changes to
   * the settings. A failed run rejects to the scheduler (leaving no partial archive);
   * `onError` hears about schedules that cannot be applied.
   */
  schedule(scheduler: BackupScheduler, onError: (err: unknown) => void): void {
    const apply = () => {
      const cron = this.settings().cron?.trim();
      if (!cron) scheduler.remove(SCHEDULE_ID);
      else scheduler.add(SCHEDULE_ID, cron, () => this.runScheduled()); // a failed run is the cron's to record
    };
    apply();
    this.#options.settings.onChange(() => {
      try {
        apply();
      } catch (err) {
        onError(err);
      }
    });
  }

  /** A stream of an archive for download, or null when there is none. */
  async download(key: string): Promise<{ stream: Readable; size: number; close(): Promise<void> } | null> {
    const store = await this.openStore();
    const found = await store.get(key).catch(async (err) => {
      await store.close();
      throw err;
    });
    if (!found) {
      await store.close();
      return null;
    }
    return { ...found, close: () => store.close() };
  }

  async #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.#claim(key);
    try {
      return await fn();
    } finally {
      this.#active = null;
    }
  }

  #claim(key: string): void {
    if (this.#active)
      throw new BackupError(
        'backup_in_progress',
        'Another backup or restore is running; try again when it has finished.',
      );
    this.#active = key;
  }

  async #newStaging(kind: string): Promise<string> {
    const path = join(
      this.#options.config.dir,
      `.${kind}-staging-${Date.now()}-${randomBytes(3).toString('hex')}`,
    );
    await mkdir(path, { recursive: true });
    return path;
  }
}

/** The version in Basalt's package.json. */
function packageVersion(): string {
  return String(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
}
