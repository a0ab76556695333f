/**
 * The folder an upload lands in, made ready while its bytes still arrive: created if
 * needed and, when the rename must be durable, opened, so that once the last byte is
 * written only the rename and the folder flushes are left. Each step is a trip to the
 * thread pool, and on a busy machine every trip in a row adds a wait for a core; done up
 * front they overlap the transfer.
 */
import { closeSync, constants, fstatSync, fsync, mkdir, open } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { fsyncPath } from '../../lib/fsync.ts';

const mkdirAsync = promisify(mkdir);
const openAsync = promisify(open);
const fsyncAsync = promisify(fsync);

/** An existing folder with descriptors for flushing it and the parents of folders made for it. */
export interface ReadyFolder {
  dir: string;
  /** `dir`, and each parent whose listing changed (a folder was made in it); none when not flushed */
  paths: string[];
  /** their open descriptors, in the same order */
  fds: number[];
}

/**
 * Makes `dir` exist (skipped when `known`) and, with `flush`, opens it and, for each
 * folder mkdir created, that folder's parent: a new name is durable only once the folder
 * holding it is flushed. Without `flush` nothing is opened and flushFolder has nothing
 * to do: a rename reaches the OS when it returns, which is all a process crash needs.
 */
export async function readyFolder(dir: string, known: boolean, flush: boolean): Promise<ReadyFolder> {
  if (!flush) {
    // a known folder pruned since is met by the rename (ENOENT), which makes it again
    if (!known) await mkdirAsync(dir, { recursive: true });
    return { dir, paths: [], fds: [] };
  }
  if (known) {
    try {
      return await openFolder(dir, undefined);
    } catch (error) {
      // pruned since it was seen (a delete removed it while empty): made again below
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return openFolder(dir, await mkdirAsync(dir, { recursive: true }));
}

/** Opens `dir` and the parents of the folders mkdir made for it (`created` is the first it made). */
async function openFolder(dir: string, created: string | undefined): Promise<ReadyFolder> {
  const folder: ReadyFolder = { dir, paths: foldersToSync(dir, created), fds: [] };
  try {
    for (const path of folder.paths) {
      folder.fds.push(await openAsync(path, constants.O_RDONLY | constants.O_DIRECTORY));
    }
  } catch (error) {
    releaseFolder(folder);
    throw error;
  }
  return folder;
}

/**
 * Flushes the folder and the parents opened with it, all at once; call it after the
 * rename into the folder. A folder opened early may have been removed since (a delete
 * elsewhere pruned it while empty, and it was made anew): its descriptor then shows no
 * links, and the folders are flushed again by path. Once the rename is done the folder
 * is not empty, so it cannot be pruned under the name any more.
 */
export async function flushFolder(folder: ReadyFolder): Promise<void> {
  // fstat of an open descriptor reads the inode in memory: cheaper inline than a trip to the thread pool
  const pruned = folder.fds.some((fd) => fstatSync(fd).nlink === 0);
  if (pruned) await Promise.all(folder.paths.map(fsyncPath));
  else await Promise.all(folder.fds.map((fd) => fsyncAsync(fd)));
}

/**
 * Closes the folder's descriptors, inline: closing a read-only folder descriptor does no
 * I/O, so a trip to the thread pool would cost more than the call.
 */
export function releaseFolder(folder: ReadyFolder): void {
  for (const fd of folder.fds) closeSync(fd);
  folder.fds = [];
}

/** `dir` and, when mkdir created folders for it (`created` is the first), each new folder's parent. */
function foldersToSync(dir: string, created: string | undefined): string[] {
  const folders = [dir];
  if (created === undefined) return folders;
  for (let d = dir; d !== dirname(created); d = dirname(d)) folders.push(dirname(d));
  return folders;
}
