import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-error.ts';

/**
 * Passes bytes through while computing their MD5 (the S3 ETag) and, when the request
 * declared one, checking their SHA-256 at the end: a mismatch fails the stream before
 * it ends, so the object is never committed.
 */
export class HashingStream extends Transform {
  readonly #md5 = createHash('md5');
  readonly #sha256: Hash | null;
  readonly #expected: string | null;
  #md5Hex = '';

  constructor(expectedSha256: string | null) {
    super();
    this.#expected = expectedSha256 && /^[0-9a-f]{64}$/.test(expectedSha256) ? expectedSha256 : null;
    this.#sha256 = this.#expected ? createHash('sha256') : null;
  }

  get md5(): string {
    return this.#md5Hex;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#md5.update(chunk);
    this.#sha256?.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#md5Hex = this.#md5.digest('hex');
    if (this.#sha256 && this.#sha256.digest('hex') !== this.#expected) {
      done(new S3Error('XAmzContentSHA256Mismatch'));
      return;
    }
    done();
  }
}
