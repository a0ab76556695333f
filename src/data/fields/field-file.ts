/**
 * The `file` field, metadata only: the stored value is file names (text, or a JSON
 * array when `maxSelect > 1`). Bytes are the storage component's business.
 *
 * `prepare` takes a list mixing kept names (strings, which must already be in the old
 * value) and new uploads (`FileUpload`, already named by the records service with
 * their final unique name). It validates and returns the stored names; new names are
 * the ones to write, old names missing from the result are the ones to delete.
 */
import { type Field, isMultiValued } from '../collection-types.ts';
import { fail, failRequired, failUnsupported, OptionProblems } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';
import { maxSelectOf, modifyItems, outputItems, settleItems, storedItems, storeItems } from './field-list.ts';

/** The per-file size limit in bytes applied when `maxSize` is 0. */
export const DEFAULT_FILE_MAX_SIZE = 5 << 20;

/** A new file as the records service describes it to `prepare`. */
export interface FileUpload {
  /** the final stored name (unique, safe) */
  name: string;
  /** the name the client sent, for messages */
  originalName: string;
  size: number;
  /** the detected MIME type */
  type: string;
}

type FileItem = string | FileUpload;

/** Whether an input item is an upload descriptor rather than a kept file name. */
export function isFileUpload(item: unknown): item is FileUpload {
  return typeof item === 'object' && item !== null && typeof (item as FileUpload).name === 'string';
}

const nameOf = (item: FileItem): string => (typeof item === 'string' ? item : item.name);
const SAFE_NAME = /^[^./\\][^/\\]+$/;
const THUMB = /^(\d+)x(\d+)(t|b|f)?$/;

function toItems(input: unknown): FileItem[] {
  const list =
    input === null || input === undefined || input === '' ? [] : Array.isArray(input) ? input : [input];
  const items = list.flatMap((v): FileItem[] => {
    if (isFileUpload(v)) return [v];
    if (typeof v === 'string') return storedItems(v);
    return failUnsupported();
  });
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(nameOf(item)) && seen.add(nameOf(item)));
}

function validateUpload(field: Field, upload: FileUpload): void {
  if (upload.name.length < 1 || upload.name.length > 150) {
    fail('validation_length_out_of_range', 'The length must be between 1 and 150.', { min: 1, max: 150 });
  }
  if (!SAFE_NAME.test(upload.name)) fail('validation_match_invalid', 'Must be in a valid format.');
  const maxSize = field.maxSize || DEFAULT_FILE_MAX_SIZE;
  if (upload.size > maxSize) {
    const message = `Failed to upload ${upload.originalName} - the maximum allowed file size is ${maxSize} bytes.`;
    fail('validation_file_size_limit', message, { file: upload.originalName, maxSize });
  }
  const types = field.mimeTypes ?? [];
  if (types.length > 0 && !types.includes(upload.type.split(';')[0].trim())) {
    fail('validation_invalid_mime_type', `"${upload.name}" mime type must be one of: ${types.join(', ')}.`);
  }
}

function validateFiles(field: Field, items: FileItem[], old: string[]): void {
  if (items.length === 0) {
    if (field.required) failRequired();
    return;
  }
  const invalidFiles = items.filter((i): i is string => typeof i === 'string' && !old.includes(i));
  if (invalidFiles.length > 0) {
    const names = invalidFiles.map((n) => n.slice(0, 250));
    fail('validation_invalid_file', `Invalid new files: ${names.join(', ')}.`, { invalidFiles: names });
  }
  const maxSelect = maxSelectOf(field);
  if (items.length > maxSelect) {
    fail('validation_too_many_files', `The maximum allowed files is ${maxSelect}.`, { maxSelect });
  }
  for (const item of items) if (typeof item !== 'string') validateUpload(field, item);
}

function checkThumbs(field: Field, problems: OptionProblems): void {
  if (field.thumbs === null || field.thumbs === undefined) return;
  if (!Array.isArray(field.thumbs)) {
    problems.add('thumbs', 'validation_invalid_value', 'Must be a list of sizes.');
    return;
  }
  field.thumbs.forEach((thumb, i) => {
    if (typeof thumb !== 'string' || !THUMB.test(thumb)) {
      problems.addItem('thumbs', i, 'validation_match_invalid', 'Must be in a valid format.');
    } else if (/^0x0[tbf]?$/.test(thumb)) {
      problems.addItem('thumbs', i, 'validation_not_in_invalid', 'Must not be in list.');
    }
  });
}

/** The `file` field type; modifiers `field+`, `+field` add uploads, `field-` removes names. */
export const fileField: FieldKind = {
  type: 'file',
  columnKind: (field) => (isMultiValued(field) ? 'json' : 'text'),
  normalizeOptions(field) {
    field.maxSelect ??= 1;
    field.maxSize ??= 0;
    field.mimeTypes ??= null;
    field.thumbs ??= null;
    field.protected ??= false;
    field.required ??= false;
    const problems = new OptionProblems();
    problems.intRange('maxSelect', field.maxSelect, 0);
    problems.intRange('maxSize', field.maxSize, 0);
    if (
      field.mimeTypes !== null &&
      !(Array.isArray(field.mimeTypes) && field.mimeTypes.every((t) => typeof t === 'string'))
    ) {
      problems.add('mimeTypes', 'validation_invalid_value', 'Must be a list of MIME types.');
    }
    checkThumbs(field, problems);
    return problems.result();
  },
  zero: (field) => storeItems(field, []),
  prepare(field, input, ctx) {
    const old = ctx.isNew ? [] : storedItems(ctx.old);
    const items = settleItems(field, input === undefined ? old : toItems(input));
    validateFiles(field, items, old);
    return storeItems(field, items.map(nameOf));
  },
  output: outputItems,
  applyModifier: (_field, modifier, old, value) =>
    modifyItems(modifier, storedItems(old), toItems(value), nameOf),
};

/** The file names in a stored `file` value (for storage cleanup and URLs). */
export function fileNames(stored: unknown): string[] {
  return storedItems(stored);
}
