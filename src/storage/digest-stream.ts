import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { DigestName, Digests } from './storage-driver.ts';

/**
 * Passes bytes through while computing their digests, for drivers that hash on the way
 * (`PutOptions.digests`); `digests` is complete once the stream has ended.
 */
export class DigestStream extends Transform {
  readonly #names: readonly DigestName[];
  readonly #hashes: Hash[];
  digests: Digests = {};

  constructor(names: readonly DigestName[]) {
    super();
    this.#names = names;
    this.#hashes = names.map((name) => createHash(name));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const hash of this.#hashes) hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#names.forEach((name, i) => {
      this.digests[name] = this.#hashes[i].digest('hex');
    });
    done();
  }
}
