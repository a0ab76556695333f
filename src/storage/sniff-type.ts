import { Readable } from 'node:stream';

const SAMPLE = 4100;

/**
 * Detects a stream's MIME type from its first bytes (never from the client's claim)
 * and answers a stream that still yields every byte. Binary formats come from their
 * signatures (`file-type`); text is recognised by the absence of NUL bytes and valid
 * UTF-8, with SVG and HTML called out because browsers execute them.
 */
export async function sniffType(source: Readable): Promise<{ type: string; stream: Readable }> {
  // the source reads ahead while the type is worked out and until the caller reads it: a failure
  // then must not crash the process (the stream keeps the error and gives it to its reader)
  source.on('error', () => {});
  const { head, ended } = await readHead(source, SAMPLE);
  // exactly the first SAMPLE bytes, however the source happened to chunk them, so a file's type
  // is the same at upload and when it is served later (which reads just that much)
  const type = await typeOf(head.subarray(0, SAMPLE));
  if (ended) return { type, stream: Readable.from(head.length ? [head] : [], { objectMode: false }) };
  // the head is back in front of the source, which is then read as it is: no extra stage per
  // chunk (a replaying generator cost a promise per chunk and a copy of the stream machinery)
  return { type, stream: source };
}

/**
 * Reads at least `size` bytes from a paused source (all of it when it ends first) and
 * puts them back in front of it, so the source still yields every byte; `ended` says
 * the source is used up (its bytes are all in `head`).
 */
function readHead(source: Readable, size: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const settle = (ended: boolean) => {
      source.off('readable', onReadable).off('end', onEnd).off('error', reject);
      const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      // at once, in this tick: a source whose last bytes were just read would otherwise emit
      // 'end' before the head is back, and an unshift after 'end' loses the bytes
      if (!ended) source.unshift(head);
      resolve({ head, ended });
    };
    const onEnd = () => settle(true);
    const onReadable = () => {
      while (got < size) {
        const chunk: Buffer | null = source.read();
        if (chunk === null) break;
        chunks.push(chunk);
        got += chunk.length;
      }
      if (got >= size) settle(false);
    };
    source.on('readable', onReadable).once('end', onEnd).once('error', reject);
  });
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
