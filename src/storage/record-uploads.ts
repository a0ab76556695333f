import type { Readable } from 'node:stream';
import type { Collection, Field } from '../data/collection-types.ts';
import { DEFAULT_FILE_MAX_SIZE, type FileUpload } from '../data/fields/field-file.ts';
import { randomStringByPattern } from '../data/fields/random-by-pattern.ts';
import { ApiError, fieldError } from '../lib/errors.ts';
import { storedFileName } from './file-name.ts';
import { sniffType } from './sniff-type.ts';
import { StorageError } from './storage-driver.ts';
import type { StorageService } from './storage-service.ts';

/**
 * The files of one record write, streamed to storage while the request body arrives.
 * A new record's files go under an id chosen up front (its id, unless the body names
 * another, in which case they are copied over before the write). When the write
 * fails, `discard()` removes everything this write stored, so nothing half-done stays.
 */
export class RecordUploads {
  readonly #storage: StorageService;
  readonly #collection: Collection;
  /** the record the files belong to: the updated record, or the id reserved for a new one */
  readonly #recordId: string;
  readonly #isNew: boolean;
  readonly #keys: string[] = [];
  readonly #uploads: FileUpload[] = [];

  constructor(storage: StorageService, collection: Collection, recordId: string | null) {
    this.#storage = storage;
    this.#collection = collection;
    this.#isNew = recordId === null;
    const idPattern = collection.fields.find((f) => f.name === 'id')?.autogeneratePattern || '[a-z0-9]{15}';
    this.#recordId = recordId ?? randomStringByPattern(idPattern);
  }

  /**
   * Stores one uploaded part of the body field `name` (`photo`, `photo+`, `+photo`),
   * checking the field's size limit while it streams. Answers the upload descriptor
   * to put in the body, or null for a part that is not for a file field (drained).
   */
  async accept(name: string, filename: string, stream: Readable): Promise<FileUpload | null> {
    const field = this.#fileField(name);
    if (!field) {
      stream.resume();
      return null;
    }
    const maxSize = field.maxSize || DEFAULT_FILE_MAX_SIZE;
    const { type, stream: body } = await sniffType(stream);
    const stored = storedFileName(filename || 'file');
    const key = this.#storage.fileKey(this.#collection.id, this.#recordId, stored);
    this.#keys.push(key);
    try {
      // stored names carry a random suffix, and no record names the file before the write commits
      const info = await this.#storage.put(key, body, { maxSize, contentType: type, fresh: true });
      this.#storage.rememberType(info, type);
      const upload: FileUpload = { name: stored, originalName: filename, size: info.size, type };
      this.#uploads.push(upload);
      return upload;
    } catch (error) {
      // the parser's own cap (just above the largest limit) may fire first for the same overflow
      const parserCap = (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
      if (!parserCap && !(error instanceof StorageError && error.code === 'too_large')) throw error;
      stream.resume();
      const message = `Failed to upload ${filename} - the maximum allowed file size is ${maxSize} bytes.`;
      throw new ApiError('validation_failed', 'Failed to read the submitted data.', {
        [field.name]: fieldError('validation_file_size_limit', message, { file: filename, maxSize }),
      });
    }
  }

  /**
   * Readies the body for the records service: a new record with files gets the
   * reserved id, or, when the body asks for its own id, the files are moved under it.
   */
  async settle(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.#isNew || this.#uploads.length === 0) return body;
    const wanted = typeof body.id === 'string' && body.id !== '' ? body.id : null;
    if (wanted === null) return { ...body, id: this.#recordId };
    if (wanted === this.#recordId) return body;
    for (const upload of this.#uploads) {
      const to = this.#storage.fileKey(this.#collection.id, wanted, upload.name);
      this.#keys.push(to);
      await this.#storage.driver.copy(
        this.#storage.fileKey(this.#collection.id, this.#recordId, upload.name),
        to,
      );
    }
    return body;
  }

  /** Removes whatever this write stored (the write failed); never throws. */
  async discard(): Promise<void> {
    for (const key of this.#keys) await this.#storage.driver.delete(key).catch(() => {});
  }

  /** After a successful create under a body-chosen id, the reserved copies are not needed. */
  async finish(recordId: string): Promise<void> {
    if (!this.#isNew || recordId === this.#recordId) return;
    for (const upload of this.#uploads) {
      await this.#storage.driver
        .delete(this.#storage.fileKey(this.#collection.id, this.#recordId, upload.name))
        .catch(() => {});
    }
  }

  /**
   * The largest multipart body a write may send: the plain body limit plus every file
   * field full to its limits. Anything declaring more is refused before it is read.
   */
  maxBodySize(bodyLimit: number): number {
    const files = this.#collection.fields
      .filter((f) => f.type === 'file')
      .reduce(
        (sum, f) =>
          sum + (Number(f.maxSize) || DEFAULT_FILE_MAX_SIZE) * Math.max(1, Number(f.maxSelect) || 1),
        0,
      );
    return bodyLimit + files;
  }

  /** The largest file any of the collection's file fields accepts. */
  get maxFileSize(): number {
    const limits = this.#collection.fields
      .filter((f) => f.type === 'file')
      .map((f) => Number(f.maxSize) || DEFAULT_FILE_MAX_SIZE);
    return Math.max(DEFAULT_FILE_MAX_SIZE, ...limits);
  }

  #fileField(name: string): Field | undefined {
    const plain = name.replace(/^\+/, '').replace(/[+-]$/, '');
    return this.#collection.fields.find((f) => f.name === plain && f.type === 'file');
  }
}
