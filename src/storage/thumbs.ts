import type { StorageObjectInfo } from './storage-driver.ts';
import type { StorageService } from './storage-service.ts';

/** Image types thumbnails are made for (PocketBase's list). */
export const THUMB_SOURCE_TYPES = ['image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp'];

/** The size every file field offers besides its own `thumbs` list. */
export const DEFAULT_THUMB_SIZES = ['100x100'];

const SIZE = /^(\d+)x(\d+)([tbf])?$/;

/** Resize options for sharp from a thumb size, or null when the size is malformed. */
function resizeOptions(size: string) {
  const m = SIZE.exec(size);
  if (!m) return null;
  const [width, height] = [Number(m[1]), Number(m[2])];
  if (width === 0 && height === 0) return null;
  if (width === 0 || height === 0) return { width: width || undefined, height: height || undefined };
  if (m[3] === 'f') return { width, height, fit: 'inside' as const };
  const position = m[3] === 't' ? 'top' : m[3] === 'b' ? 'bottom' : 'centre';
  return { width, height, fit: 'cover' as const, position };
}

const pending = new Map<string, Promise<StorageObjectInfo | null>>();

/**
 * The thumbnail of a stored image at `size` (`WxH` centre crop, `WxHt`/`WxHb` top or
 * bottom crop, `WxHf` fit inside, `0xH`/`Wx0` one side), made once and kept beside
 * the file. Concurrent requests for the same thumbnail share one generation. Answers
 * null when the original is missing or the size is malformed.
 */
export function thumbnail(
  storage: StorageService,
  original: string,
  thumbKey: string,
  size: string,
): Promise<StorageObjectInfo | null> {
  const running = pending.get(thumbKey);
  if (running) return running;
  const work = (async () => {
    const existing = await storage.driver.head(thumbKey);
    if (existing) return existing;
    const options = resizeOptions(size);
    if (!options) return null;
    const source = await storage.driver.get(original);
    if (!source) return null;
    // sharp is a native library: loaded on first use, never by servers that make no thumbnails
    const { default: sharp } = await import('sharp');
    const resizer = sharp({ animated: false }).rotate().resize(options);
    source.body.on('error', (error) => resizer.destroy(error));
    return storage.put(thumbKey, source.body.pipe(resizer));
  })().finally(() => pending.delete(thumbKey));
  pending.set(thumbKey, work);
  return work;
}
