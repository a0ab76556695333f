/**
 * The `autodate` field (`created`, `updated`): set to the write's time on create
 * (`onCreate`) and/or update (`onUpdate`). Client input is ignored.
 */
import { OptionProblems } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

/** The `autodate` field type. */
export const autodateField: FieldKind = {
  type: 'autodate',
  columnKind: () => 'text',
  normalizeOptions(field, ctx) {
    field.onCreate ??= false;
    field.onUpdate ??= false;
    const problems = new OptionProblems();
    if (field.system) {
      // a system autodate keeps its behaviour (e.g. `created` stays onCreate)
      const old = ctx.collectionById(ctx.collection.id)?.fields.find((f) => f.id === field.id);
      for (const key of ['onCreate', 'onUpdate'] as const) {
        if (old && (old[key] ?? false) !== field[key]) {
          problems.add(key, 'validation_values_mismatch', "Values don't match.");
        }
      }
    }
    if (!field.onCreate && !field.onUpdate) {
      problems.add('onCreate', 'validation_required', 'Either onCreate or onUpdate must be enabled.');
      problems.add('onUpdate', 'validation_required', 'Either onCreate or onUpdate must be enabled.');
    }
    return problems.result();
  },
  zero: () => '',
  prepare(field, _input, ctx) {
    if (ctx.isNew) return field.onCreate ? ctx.now : '';
    if (field.onUpdate) return ctx.now;
    return typeof ctx.old === 'string' ? ctx.old : '';
  },
  output: (_field, stored) => (typeof stored === 'string' ? stored : ''),
};
