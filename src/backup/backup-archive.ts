import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import * as tar from 'tar';
import { BackupError } from './backup-error.ts';
import {
  type BackupManifest,
  hashFile,
  listFiles,
  MANIFEST_NAME,
  manifestProblems,
} from './backup-manifest.ts';

/** Bytes done out of a total, for progress bars. */
export type ByteProgress = (done: number, total: number) => void;

/**
 * Packs a staging folder (its `manifest.json` first, then every file the manifest lists)
 * into one gzip-compressed tar at `archivePath`.
 */
export async function packArchive(
  staging: string,
  manifest: BackupManifest,
  archivePath: string,
  onProgress?: ByteProgress,
): Promise<void> {
  const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  // tar bytes are counted before compression, so progress follows the data read
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.(Math.min(done, total), total);
      callback(null, chunk);
    },
  });
  await pipeline(
    tar.create({ cwd: staging, portable: true }, [MANIFEST_NAME, ...manifest.files.map((f) => f.path)]),
    count,
    // database pages compress well even at a low level; higher levels cost much CPU for little
    createGzip({ level: 3 }),
    createWriteStream(archivePath),
  );
}

/**
 * Unpacks an archive into `staging` (created; must not hold anything else) and proves it
 * against its manifest: every listed file present with its size and SHA-256, nothing
 * unlisted. Answers the manifest. Any damage (bad gzip, truncated tar, a checksum that
 * does not match, a missing or extra file) is a `backup_corrupt` error.
 */
export async function unpackArchive(
  archivePath: string,
  staging: string,
  onProgress?: ByteProgress,
): Promise<BackupManifest> {
  await mkdir(staging, { recursive: true });
  const archiveSize = (await stat(archivePath)).size;
  try {
    let read = 0;
    await tar.extract({
      file: archivePath,
      cwd: staging,
      strict: true, // a damaged entry fails the extraction instead of being skipped with a warning
      preservePaths: false,
      filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory'),
      onReadEntry: (entry) => {
        read += entry.size ?? 0;
        onProgress?.(Math.min(read, archiveSize), archiveSize);
      },
    });
  } catch (err) {
    throw corrupt(`the archive cannot be read (${(err as Error).message})`, err);
  }
  const manifest = await readManifest(staging);
  await checkFiles(staging, manifest);
  return manifest;
}

async function readManifest(staging: string): Promise<BackupManifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(staging, MANIFEST_NAME), 'utf8'));
  } catch (err) {
    throw corrupt(`the archive has no readable ${MANIFEST_NAME}`, err);
  }
  const problems = manifestProblems(value);
  if (problems.length) throw corrupt(problems.join('; '));
  return value as BackupManifest;
}

async function checkFiles(staging: string, manifest: BackupManifest): Promise<void> {
  const listed = new Set(manifest.files.map((f) => f.path));
  const present = await listFiles(staging);
  const extra = present.filter((p) => !listed.has(p));
  if (extra.length)
    throw corrupt(`the archive holds files its manifest does not list: ${extra.slice(0, 3).join(', ')}`);
  const found = new Set(present);
  for (const file of manifest.files) {
    if (!found.has(file.path)) throw corrupt(`${file.path} is missing (the archive is truncated?)`);
    const actual = await hashFile(join(staging, file.path));
    if (actual.size !== file.size || actual.sha256 !== file.sha256)
      throw corrupt(`${file.path} does not match its checksum (${actual.size} bytes, expected ${file.size})`);
  }
}

function corrupt(detail: string, cause?: unknown): BackupError {
  return new BackupError('backup_corrupt', `The backup archive is damaged: ${detail}.`, { cause });
}

/** Removes a staging folder, ignoring one that is already gone. */
export async function removeStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
}
