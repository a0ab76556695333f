import { Readable } from 'node:stream';

const SAMPLE = 4100;

/**
 * Detects a stream's MIME type from its first bytes (never from the client's claim)
 * and answers a stream that still yields every byte. Binary formats come from their
 * signatures (`file-type`); text is recognised by the absence of NUL bytes and valid
 * UTF-8, with SVG and HTML called out because browsers execute them.
 */
export async function sniffType(source: Readable): Promise<{ type: string; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SAMPLE) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value as Buffer);
    size += (next.value as Buffer).length;
  }
  const sample = Buffer.concat(head);
  const type = await typeOf(sample);
  async function* replay() {
    yield sample;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value as Buffer;
  }
  const stream = Readable.from(replay(), { objectMode: false });
  // an error on the source must reach whoever reads the replay
  source.once('error', (error) => stream.destroy(error));
  return { type, stream };
}

async function typeOf(sample: Buffer): Promise<string> {
  // loaded on the first upload: file-type and its readers are ~50 modules an idle server never needs
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(sample);
  if (detected) return detected.mime;
  if (sample.length === 0) return 'application/octet-stream';
  if (sample.includes(0)) return 'application/octet-stream';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample).replace(/^\uFEFF/, '');
  const start = text.trimStart().slice(0, 512).toLowerCase();
  if (/<svg[\s>]/.test(start) || (start.startsWith('<?xml') && text.toLowerCase().includes('<svg'))) {
    return 'image/svg+xml';
  }
  if (/^<(!doctype html|html|head|body|script|iframe)[\s>]/.test(start)) return 'text/html; charset=utf-8';
  if (start.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  if (start.startsWith('{') || start.startsWith('[')) {
    return isJson(text) ? 'application/json' : 'text/plain; charset=utf-8';
  }
  return 'text/plain; charset=utf-8';
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
