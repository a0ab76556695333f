import type { BackupObject } from '../../backup/index.ts';
import type { Command, CommandContext, FlagSpec } from '../command.ts';
import { UsageError } from '../command.ts';
import { withApp } from '../open-app.ts';
import { createProgressBar } from '../progress-bar.ts';
import { restoreCommand } from './backup-restore.ts';

const STORE: FlagSpec = {
  type: 'string',
  placeholder: 'LOCATION',
  description:
    'Backup store: a folder or s3://bucket/prefix?endpoint=…&region=… (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). ' +
    'Default: the backups settings (S3 when enabled, else <dir>/backups).',
};
const JSON_FLAG: FlagSpec = { type: 'boolean', description: 'Print the result as JSON on stdout.' };
const KEY = { name: 'NAME', description: 'the backup’s name in the store (see "basalt backup list")' };

/** The store flag's value, or undefined for "the one the settings name". */
export function storeFlag(flags: CommandContext['flags']): string | undefined {
  return typeof flags.store === 'string' && flags.store ? flags.store : undefined;
}

async function create({ io, args, flags, loadConfig }: CommandContext): Promise<number> {
  const bar = createProgressBar(io.stderr);
  const started = Date.now();
  const { key, size } = await withApp(loadConfig(), async (app) => {
    const backups = app.services.backups;
    const location = storeFlag(flags);
    const name = await backups.create(args[0], { location, onProgress: bar.update });
    const item = (await backups.list(location)).find((b) => b.key === name);
    return { key: name, size: item?.size ?? 0 };
  });
  bar.done();
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) io.stdout.write(`${JSON.stringify({ key, size, seconds })}\n`);
  else io.stdout.write(`Created backup ${key} (${formatBytes(size)}) in ${seconds.toFixed(1)} s.\n`);
  return 0;
}

async function list({ io, flags, loadConfig }: CommandContext): Promise<number> {
  const items = await withApp(loadConfig(), (app) => app.services.backups.list(storeFlag(flags)));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(items.map(toJson))}\n`);
    return 0;
  }
  if (!items.length) io.stdout.write('No backups yet. Take one with: basalt backup create\n');
  for (const b of items)
    io.stdout.write(`${b.modified.toISOString()}  ${formatBytes(b.size).padStart(10)}  ${b.key}\n`);
  return 0;
}

async function verify({ io, args, flags, loadConfig }: CommandContext): Promise<number> {
  const bar = createProgressBar(io.stderr);
  const { manifest } = await withApp(loadConfig(), (app) =>
    app.services.backups.verify(args[0], { location: storeFlag(flags), onProgress: bar.update }),
  );
  bar.done();
  const bytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
  if (flags.json)
    io.stdout.write(
      `${JSON.stringify({ key: args[0], ok: true, files: manifest.files.length, bytes, manifest })}\n`,
    );
  else
    io.stdout.write(
      `Backup ${args[0]} is sound: ${manifest.files.length} files (${formatBytes(bytes)}) match their checksums, ` +
        `the database passes its integrity check. Made by Basalt ${manifest.basaltVersion} on ${manifest.created}.\n`,
    );
  return 0;
}

async function prune({ io, flags, loadConfig }: CommandContext): Promise<number> {
  const deleted = await withApp(loadConfig(), async (app) => {
    const settings = app.services.backups.settings();
    const policy = {
      keepLast: count(flags['keep-last'], settings.cronMaxKeep, 'keep-last'),
      keepDaily: count(flags['keep-daily'], settings.cronKeepDaily, 'keep-daily'),
      keepWeekly: count(flags['keep-weekly'], settings.cronKeepWeekly, 'keep-weekly'),
    };
    if (policy.keepLast + policy.keepDaily + policy.keepWeekly === 0)
      throw new UsageError(
        'This policy keeps no backup at all: give --keep-last, --keep-daily or --keep-weekly a number above 0.',
        'basalt backup prune',
      );
    const options = {
      location: storeFlag(flags),
      all: flags.all === true,
      dryRun: flags['dry-run'] === true,
    };
    return app.services.backups.prune(policy, options);
  });
  if (flags.json) io.stdout.write(`${JSON.stringify({ deleted, dryRun: flags['dry-run'] === true })}\n`);
  else {
    const verb = flags['dry-run'] ? 'Would delete' : 'Deleted';
    for (const key of deleted) io.stdout.write(`${verb} ${key}\n`);
    io.stdout.write(`${verb} ${deleted.length} backup${deleted.length === 1 ? '' : 's'}.\n`);
  }
  return 0;
}

function count(value: string | boolean | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(
      `--${flag} must be a whole number, 0 or more (got "${value}").`,
      'basalt backup prune',
    );
  return n;
}

function toJson(b: BackupObject) {
  return { key: b.key, size: b.size, modified: b.modified.toISOString() };
}

/** `12.3 MB`-style sizes for people. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `basalt backup create|list|verify|restore|prune`. */
export const backupCommand: Command = {
  name: 'backup',
  summary: 'Take, list, verify, restore and prune backups.',
  description:
    'Backups are one archive (tar + gzip) of an online snapshot of the database and the storage folder,\n' +
    'with a manifest of SHA-256 checksums. They are kept in <dir>/backups, or in S3 when the backups\n' +
    'settings enable it, or wherever --store points. See docs/operations.md.',
  subcommands: [
    {
      name: 'create',
      summary: 'Take a backup now (the server may keep running).',
      args: [{ ...KEY, optional: true }],
      flags: { store: STORE, json: JSON_FLAG },
      config: 'brief',
      run: create,
    },
    {
      name: 'list',
      summary: 'List backups, newest first.',
      flags: { store: STORE, json: JSON_FLAG },
      config: 'brief',
      run: list,
    },
    {
      name: 'verify',
      summary: 'Prove a backup restorable: checksums, version, database integrity.',
      args: [KEY],
      flags: { store: STORE, json: JSON_FLAG },
      config: 'brief',
      run: verify,
    },
    restoreCommand(STORE, KEY),
    {
      name: 'prune',
      summary: 'Delete backups the retention policy does not keep (scheduled ones unless --all).',
      flags: {
        'keep-last': {
          type: 'string',
          placeholder: 'N',
          description: 'Keep the newest N (default: settings cronMaxKeep).',
        },
        'keep-daily': {
          type: 'string',
          placeholder: 'N',
          description: 'Keep the newest of each of the last N days.',
        },
        'keep-weekly': {
          type: 'string',
          placeholder: 'N',
          description: 'Keep the newest of each of the last N ISO weeks.',
        },
        all: {
          type: 'boolean',
          description: 'Apply to every backup, not only the scheduled (@auto_…) ones.',
        },
        'dry-run': { type: 'boolean', description: 'Print what would be deleted, delete nothing.' },
        store: STORE,
        json: JSON_FLAG,
      },
      config: 'brief',
      run: prune,
    },
  ],
  examples: [
    'basalt backup create',
    'basalt backup list --json',
    'basalt backup verify basalt_backup_20260101030000.tar.zst',
    'basalt backup restore basalt_backup_20260101030000.tar.zst   # with the server stopped',
    'basalt backup prune --keep-last 7 --keep-daily 14 --keep-weekly 8 --all',
  ],
};
