import { randomString } from '../lib/random.ts';

/**
 * The stored name of an uploaded file, after PocketBase's pattern: the client's name
 * in snake case (at most 100 characters, padded with random characters when under 3),
 * an underscore and 10 random characters, then the cleaned extension. So `My Photo.PNG`
 * becomes `my_photo_a1b2c3d4e5.PNG`: safe in a URL and a path, unique per upload.
 */
export function storedFileName(original: string): string {
  const name = original.slice(-300).replace(/^.*[/\\]/, '');
  const dot = name.lastIndexOf('.');
  const rawExt = dot > 0 ? name.slice(dot) : '';
  let ext = `.${rawExt.replace(/[^\w.*\-+=#]+/g, '').replace(/^\.+|\.+$/g, '')}`;
  if (ext === '.') ext = '';
  if (ext.length > 20) ext = `.${ext.slice(-20).replace(/^\.+/, '')}`;
  let base = snakeCase(rawExt ? name.slice(0, -rawExt.length) : name);
  if (base.length < 3) base += randomString(10);
  else if (base.length > 100) base = base.slice(0, 100);
  return `${base}_${randomString(10)}${ext}`;
}

/** Lower-case ASCII words joined by `_`; accents are dropped and everything else separates words. */
function snakeCase(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
