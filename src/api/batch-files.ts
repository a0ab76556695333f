import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileUpload } from '../data/fields/field-file.ts';
import { ApiError } from '../lib/errors.ts';
import { type RecordUploads, SizeLimit, StorageError } from '../storage/index.ts';
import type { FileSink } from './record-body.ts';

/** One file part of a batch body, waiting in a temp file for its item to be known. */
export interface SpooledFile {
  /** the batch item it belongs to */
  index: number;
  /** the body key after the item prefix: `photo`, `photo+`, `+photo` */
  field: string;
  filename: string;
  path: string;
}

/** `requests.N.field` (what the SDK sends) or `requests[N].field`, the two forms PocketBase reads. */
const FILE_KEY = /^requests(?:\.(\d+)\.|\[(\d+)\]\.)(.+)$/;

/**
 * The file parts of a multipart batch body. The SDK sends them before `@jsonPayload`,
 * so when a part arrives its collection (and so its field limits) is not known yet:
 * each part goes to a temp file, all of them within one byte budget, and is streamed
 * on to storage once the items are read (see `attachSpooledFiles`). Parts under any
 * other key are drained and ignored, as PocketBase does.
 */
export class BatchFileSpool implements FileSink {
  /** the budget for all files together, so also the most one file may be */
  readonly maxFileSize: number;
  readonly #files: SpooledFile[] = [];
  #spooled = 0;
  #dir: Promise<string> | null = null;

  constructor(budget: number) {
    this.maxFileSize = budget;
  }

  /** Keeps the part aside; always null, since it joins its item's body later, not the batch body. */
  async accept(key: string, filename: string, stream: Readable): Promise<null> {
    const match = FILE_KEY.exec(key);
    if (!match) {
      stream.resume();
      return null;
    }
    const path = join(await this.#tempDir(), String(this.#files.length));
    const limit = new SizeLimit(this.maxFileSize - this.#spooled);
    try {
      await pipeline(stream, limit, createWriteStream(path));
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      throw new ApiError(
        'payload_too_large',
        `The files of the batch exceed ${this.maxFileSize} bytes (the batch.maxBodySize setting).`,
      );
    }
    this.#spooled += limit.bytes;
    this.#files.push({ index: Number(match[1] ?? match[2]), field: match[3], filename, path });
    return null;
  }

  /** The item indexes that have files, ascending. */
  indexes(): number[] {
    return [...new Set(this.#files.map((f) => f.index))].sort((a, b) => a - b);
  }

  /** The files of one item, in the order they were sent. */
  filesOf(index: number): SpooledFile[] {
    return this.#files.filter((f) => f.index === index);
  }

  /** Removes the temp files (once they are in storage, or the batch failed); never throws. */
  async remove(): Promise<void> {
    const dir = await this.#dir?.catch(() => null);
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }

  #tempDir(): Promise<string> {
    this.#dir ??= mkdtemp(join(tmpdir(), 'basalt-batch-'));
    return this.#dir;
  }
}

/**
 * Streams an item's spooled files to storage through `uploads`, the same path a
 * single record write takes (file field lookup, the field's size limit, type from
 * content, stored name), and answers the item body with their upload descriptors.
 * As in PocketBase, files under a key replace a JSON value under the same key.
 */
export async function attachSpooledFiles(
  uploads: RecordUploads,
  files: SpooledFile[],
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const added = new Map<string, FileUpload[]>();
  for (const file of files) {
    const upload = await uploads.accept(file.field, file.filename, createReadStream(file.path));
    if (upload) added.set(file.field, [...(added.get(file.field) ?? []), upload]);
  }
  const merged = { ...body };
  for (const [field, list] of added) merged[field] = list.length === 1 ? list[0] : list;
  return uploads.settle(merged);
}

function isTooLarge(error: unknown): boolean {
  if (error instanceof StorageError) return error.code === 'too_large';
  return (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
}
