import { Transform, type TransformCallback } from 'node:stream';
import { StorageError } from './storage-driver.ts';

/**
 * A pass-through that counts bytes and fails with StorageError `too_large` as soon as
 * more than `max` have passed, so an oversized upload is refused while it streams
 * instead of after it was written. `bytes` is the count so far.
 */
export class SizeLimit extends Transform {
  bytes = 0;
  readonly #max: number;

  constructor(max = Number.POSITIVE_INFINITY) {
    super();
    this.#max = max;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#max) {
      done(new StorageError('too_large', `The object is larger than the limit of ${this.#max} bytes.`));
      return;
    }
    done(null, chunk);
  }
}
