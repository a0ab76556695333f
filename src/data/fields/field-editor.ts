/**
 * The `editor` field: rich text (HTML) limited in bytes by `maxSize` (default 5 MiB).
 * `convertURLs` is a hint for the dashboard's editor only and changes nothing here.
 */
import { fail, failRequired, OptionProblems, toText } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

/** The size limit in bytes applied when `maxSize` is 0. */
export const DEFAULT_EDITOR_MAX_SIZE = 5 << 20;

/** The `editor` field type. */
export const editorField: FieldKind = {
  type: 'editor',
  columnKind: () => 'text',
  normalizeOptions(field) {
    field.maxSize ??= 0;
    field.convertURLs ??= false;
    field.required ??= false;
    const problems = new OptionProblems();
    problems.intRange('maxSize', field.maxSize, 0);
    return problems.result();
  },
  zero: () => '',
  prepare(field, input, ctx) {
    const value = input === undefined && !ctx.isNew ? toText(ctx.old) : toText(input);
    if (field.required && value === '') failRequired();
    const maxSize = field.maxSize || DEFAULT_EDITOR_MAX_SIZE;
    if (Buffer.byteLength(value) > maxSize) {
      fail('validation_content_size_limit', `The maximum allowed content size is ${maxSize} bytes.`, {
        maxSize,
      });
    }
    return value;
  },
  output: (_field, stored) => (typeof stored === 'string' ? stored : ''),
};
