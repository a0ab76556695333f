import { isAbsolute, resolve } from 'node:path';
import { hideUrlPasswords } from '../lib/url-password.ts';
import type { DbDriver } from './driver.ts';

/** Where drivers report what they do; pino loggers fit. */
export interface DbLogger {
  warn(message: string): void;
  info(message: string): void;
}

export interface OpenDbOptions {
  /**
   * Durability profile. `normal` (default): a resolved transaction survives a crash of the
   * process; `full`: it also survives power loss or an OS crash, at the cost of a disk
   * flush per commit (group commit shares one flush among concurrent transactions).
   */
  sync?: 'normal' | 'full';
  /** How long a write waits for a lock held by another process before failing with `busy`. */
  busyTimeoutMs?: number;
  /**
   * KiB of database pages a connection may keep in process memory (the engine's own page
   * cache, on top of the OS's file cache). Memory a connection filled is kept for its
   * lifetime (the C allocator rarely gives it back), so a database read rarely, like the
   * request log, should ask for little. Engines without such a cache ignore it.
   */
  pageCacheKiB?: number;
  /**
   * Bytes per page of a database file created by this open (a power of two from 512 to
   * 65,536); an existing file keeps its own. Larger pages suit a table written in long
   * appends and read in ranges, like the request log. Engines without pages ignore it.
   */
  newFilePageSize?: number;
  logger?: DbLogger;
}

type Opener = (url: string, options: OpenDbOptions) => Promise<DbDriver>;

/** URL scheme → driver. Drivers load lazily, so an embedded install never loads `pg`. */
const DRIVERS: Record<string, Opener> = {
  'sqlite:': async (url, options) => {
    const { openSqlite } = await import('./drivers/sqlite.ts');
    return openSqlite(sqliteFilename(url), options);
  },
  'postgres:': notYet,
  'postgresql:': notYet,
};

async function notYet(url: string): Promise<never> {
  throw new Error(
    `The database URL ${redact(url)} is a PostgreSQL URL; PostgreSQL support arrives with the PostgreSQL driver. ` +
      'Use sqlite://./basalt_data/data.db for now.',
  );
}

/**
 * Opens the database a URL names, e.g. `sqlite://./basalt_data/data.db` (relative to the
 * working directory), `sqlite:///var/lib/basalt/data.db` (absolute) or `sqlite::memory:`
 * (private, gone on close). Fails with a message listing the known schemes otherwise.
 */
export async function openDb(url: string, options: OpenDbOptions = {}): Promise<DbDriver> {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const open = scheme ? DRIVERS[scheme] : undefined;
  if (!open) {
    const known = Object.keys(DRIVERS)
      .map((s) => `${s}//`)
      .join(', ');
    throw new Error(
      `Unknown database URL ${redact(url)}: expected one of ${known} (e.g. sqlite://./basalt_data/data.db).`,
    );
  }
  return open(url, options);
}

/** `sqlite://./a.db` → `<cwd>/a.db`, `sqlite:///abs/a.db` → `/abs/a.db`, `sqlite::memory:` → `:memory:`. */
export function sqliteFilename(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/i, '').replace(/[?#].*$/, '');
  if (rest === ':memory:') return rest;
  if (rest === '')
    throw new Error(`The database URL ${url} names no file; try sqlite://./basalt_data/data.db.`);
  const path = decodeURIComponent(rest);
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

const redact = hideUrlPasswords;
