import { createHash, createHmac, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-error.ts';
import { type SignedRequest, sameHex } from './sigv4.ts';

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const MAX_LINE = 8192;

/**
 * Decodes an `aws-chunked` request body (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`
 * … `0…\r\n[trailers]\r\n`) into the object's bytes. With a signed streaming payload
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) each chunk's signature is checked
 * against the chain seeded by the request signature; a bad one fails the stream, so
 * the object is never committed. Trailers (checksums) are read and not verified.
 */
export class AwsChunkedDecoder extends Transform {
  readonly #signed: SignedRequest | null;
  #previous: string;
  #state: 'header' | 'data' | 'crlf' | 'trailer' | 'done' = 'header';
  #line = Buffer.alloc(0);
  #remaining = 0;
  #chunkSignature = '';
  #hash: Hash | null = null;
  /** decoded bytes so far */
  bytes = 0;

  constructor(signed: SignedRequest | null) {
    super();
    this.#signed = signed?.payloadHash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') ? signed : null;
    this.#previous = signed?.signature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#consume(chunk);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.#state === 'done' ? null : new S3Error('IncompleteBody', 'The aws-chunked body ended early.'));
  }

  #consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, chunk.length - at);
        const piece = chunk.subarray(at, at + take);
        this.#hash?.update(piece);
        this.push(piece);
        this.bytes += take;
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) this.#state = 'crlf';
        continue;
      }
      if (this.#state === 'done')
        throw new S3Error('InvalidRequest', 'Data after the end of an aws-chunked body.');
      const newline = chunk.indexOf(10, at);
      const end = newline < 0 ? chunk.length : newline + 1;
      this.#line = Buffer.concat([this.#line, chunk.subarray(at, end)]);
      at = end;
      if (this.#line.length > MAX_LINE)
        throw new S3Error('InvalidRequest', 'An aws-chunked header line is too long.');
      if (newline < 0) continue;
      const line = this.#line.toString('latin1').replace(/\r?\n$/, '');
      this.#line = Buffer.alloc(0);
      this.#onLine(line);
    }
  }

  #onLine(line: string): void {
    if (this.#state === 'crlf') {
      if (line !== '') throw new S3Error('InvalidRequest', 'An aws-chunked chunk is longer than its size.');
      this.#verifyChunk();
      this.#state = 'header';
      return;
    }
    if (this.#state === 'trailer') {
      if (line === '') this.#state = 'done';
      return;
    }
    const [sizeText, ...extensions] = line.split(';');
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || !Number.isSafeInteger(size))
      throw new S3Error('InvalidRequest', 'An aws-chunked chunk size is malformed.');
    this.#chunkSignature = extensions.find((e) => e.startsWith('chunk-signature='))?.slice(16) ?? '';
    if (this.#signed && !this.#chunkSignature)
      throw new S3Error('SignatureDoesNotMatch', 'A signed aws-chunked chunk has no signature.');
    this.#hash = this.#signed ? createHash('sha256') : null;
    if (size > 0) {
      this.#remaining = size;
      this.#state = 'data';
      return;
    }
    this.#verifyChunk();
    this.#state = 'trailer';
  }

  #verifyChunk(): void {
    if (!this.#signed || !this.#hash) return;
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      this.#signed.amzDate,
      this.#signed.scope,
      this.#previous,
      EMPTY_SHA256,
      this.#hash.digest('hex'),
    ].join('\n');
    const expected = createHmac('sha256', this.#signed.signingKey).update(stringToSign).digest('hex');
    if (!sameHex(expected, this.#chunkSignature))
      throw new S3Error('SignatureDoesNotMatch', 'An aws-chunked chunk signature does not match.');
    this.#previous = this.#chunkSignature;
    this.#hash = null;
  }
}
