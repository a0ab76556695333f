/**
 * The tar layer of backup archives: POSIX ustar headers, with pax records for what ustar
 * cannot hold (paths over 100 bytes or not ASCII, files of 8 GiB and more). Written here
 * rather than through a tar library so that a file is read once (hashed and packed in the
 * same pass) and every buffer is bounded by the stream that carries it.
 * Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html
 */

const BLOCK = 512;
/** ustar's size field holds 11 octal digits */
const USTAR_MAX_SIZE = 8 ** 11 - 1;
const ZEROS = Buffer.alloc(BLOCK * 2);

/** What a tar entry is (only what backups use). */
export interface TarEntry {
  path: string;
  type: 'file' | 'directory';
  size: number;
}

/** Thrown for a stream that is not a whole, well-formed tar. */
export class TarError extends Error {}

/** The header block(s) of a regular file of `size` bytes at `path`. */
export function fileHeader(path: string, size: number, mtime: Date): Buffer {
  const pax: Record<string, string> = {};
  const plainName = Buffer.byteLength(path) <= 100 && /^[\x20-\x7e]*$/.test(path);
  if (!plainName) pax.path = path;
  if (size > USTAR_MAX_SIZE) pax.size = String(size);
  const main = ustarBlock(plainName ? path : 'pax-long-name', '0', size > USTAR_MAX_SIZE ? 0 : size, mtime);
  if (!Object.keys(pax).length) return main;
  const body = paxBody(pax);
  return Buffer.concat([ustarBlock('PaxHeader', 'x', body.length, mtime), body, padding(body.length), main]);
}

/** Zero bytes that fill a body of `size` bytes up to a whole block. */
export function padding(size: number): Buffer {
  return ZEROS.subarray(0, (BLOCK - (size % BLOCK)) % BLOCK);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return ZEROS;
}

function ustarBlock(name: string, type: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block.write(type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  writeOctal(block, 148, 7, checksum(block));
  return block;
}

/** Zero-padded octal digits and a NUL, filling `width` bytes. */
function writeOctal(block: Buffer, at: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'ascii');
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (const byte of block) sum += byte;
  return sum;
}

/** pax records: `<length> <key>=<value>\n`, where length counts the whole record. */
function paxBody(values: Record<string, string>): Buffer {
  const records = Object.entries(values).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(rest) + 1;
    while (String(length).length + Buffer.byteLength(rest) !== length) length++;
    return `${length}${rest}`;
  });
  return Buffer.from(records.join(''), 'utf8');
}

/** Pulls exact byte counts out of a stream of chunks of any size. */
class ChunkReader {
  readonly #chunks: AsyncIterator<Buffer>;
  #rest: Buffer = Buffer.alloc(0);
  #left = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** The next `n` bytes, or null at a clean end of the stream. */
  async exact(n: number): Promise<Buffer | null> {
    while (this.#rest.length < n) {
      const next = await this.#chunks.next();
      if (next.done) {
        if (!this.#rest.length) return null;
        throw new TarError('the archive ends in the middle of a header');
      }
      this.#rest = this.#rest.length ? Buffer.concat([this.#rest, next.value]) : next.value;
    }
    const out = this.#rest.subarray(0, n);
    this.#rest = this.#rest.subarray(n);
    return out;
  }

  /**
   * The next `n` bytes as they arrive, without gathering them. A reader that stops early
   * leaves the rest for `skipBody`, so the stream stays aligned on the next header.
   */
  body(n: number): AsyncIterable<Buffer> {
    this.#left = n;
    return { [Symbol.asyncIterator]: () => ({ next: () => this.#nextPiece() }) };
  }

  async #nextPiece(): Promise<IteratorResult<Buffer>> {
    if (this.#left <= 0) return { done: true, value: undefined };
    if (!this.#rest.length) {
      const next = await this.#chunks.next();
      if (next.done) throw new TarError('the archive ends in the middle of a file');
      this.#rest = next.value;
    }
    const piece = this.#rest.subarray(0, Math.min(this.#left, this.#rest.length));
    this.#rest = this.#rest.subarray(piece.length);
    this.#left -= piece.length;
    return { done: false, value: piece };
  }

  /** Skips what is left of the current body. */
  async skipBody(): Promise<void> {
    while (!(await this.#nextPiece()).done);
  }

  /** Reads the stream to its end (so a decompressor checks its trailing checksum). */
  async drain(): Promise<void> {
    for (let next = await this.#chunks.next(); !next.done; next = await this.#chunks.next());
  }
}

/**
 * Reads a tar stream entry by entry: `onEntry` gets each file or directory with its
 * body, which it may consume or leave (the rest is skipped). Refuses bad header
 * checksums, entry types other than files and directories (links could point outside
 * the target), and a stream that ends before the end-of-archive blocks.
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (entry: TarEntry, body: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const reader = new ChunkReader(source);
  let pax: Record<string, string> = {};
  for (;;) {
    const block = await reader.exact(BLOCK);
    if (!block) throw new TarError('the archive ends before its end marker');
    if (isZero(block)) {
      if (!isZero((await reader.exact(BLOCK)) ?? Buffer.alloc(0)))
        throw new TarError('the archive ends in the middle of its end marker');
      break;
    }
    const header = parseHeader(block);
    if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
      const body = await bodyOf(reader, header.size);
      if (header.type === 'x') pax = parsePax(body);
      if (header.type === 'L') pax = { path: body.toString('utf8').replace(/\0+$/, '') };
      continue;
    }
    const entry = toEntry(header, pax);
    pax = {};
    await onEntry(entry, reader.body(entry.size));
    await reader.skipBody();
    await reader.exact(padding(entry.size).length);
  }
  await reader.drain();
}

interface RawHeader {
  name: string;
  type: string;
  size: number;
}

function parseHeader(block: Buffer): RawHeader {
  const stored = Number.parseInt(text(block, 148, 8).trim() || 'x', 8);
  const copy = Buffer.from(block);
  copy.fill(0x20, 148, 156);
  if (stored !== checksum(copy)) throw new TarError('a tar header fails its checksum');
  const prefix = block.subarray(257, 262).toString('ascii') === 'ustar' ? text(block, 345, 155) : '';
  const name = text(block, 0, 100);
  const size = Number.parseInt(text(block, 124, 12).trim() || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new TarError('a tar header has a bad size');
  return { name: prefix ? `${prefix}/${name}` : name, type: text(block, 156, 1) || '0', size };
}

function toEntry(header: RawHeader, pax: Record<string, string>): TarEntry {
  const path = pax.path ?? header.name;
  const size = pax.size === undefined ? header.size : Number(pax.size);
  if (!Number.isSafeInteger(size) || size < 0) throw new TarError(`${path} has a bad size`);
  if (header.type === '0' || header.type === '7') return { path, type: 'file', size };
  if (header.type === '5') return { path: path.replace(/\/+$/, ''), type: 'directory', size: 0 };
  throw new TarError(`${path} is not a file or a folder (tar type ${JSON.stringify(header.type)})`);
}

async function bodyOf(reader: ChunkReader, size: number): Promise<Buffer> {
  if (size > 1 << 20) throw new TarError('a tar extended header is too large');
  const body = size ? await reader.exact(size) : Buffer.alloc(0);
  if (!body) throw new TarError('the archive ends in the middle of a header');
  await reader.exact(padding(size).length);
  return Buffer.from(body);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || at + length > body.length)
      throw new TarError('a pax extended header is malformed');
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

/** True for a whole block of zero bytes (half of the end marker). */
function isZero(block: Buffer): boolean {
  return block.length === BLOCK && block.every((byte) => byte === 0);
}

/** A NUL-terminated field as text. */
function text(block: Buffer, at: number, width: number): string {
  const field = block.subarray(at, at + width);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? width : end).toString('utf8');
}
