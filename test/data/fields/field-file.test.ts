import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FileUpload, fileField, fileNames } from '../../../src/data/fields/field-file.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

function upload(name: string, size = 10, type = 'image/png'): FileUpload {
  return { name, originalName: `orig-${name}`, size, type };
}

const single = makeField('file', { maxSelect: 1 });
const multi = makeField('file', { maxSelect: 3, maxSize: 100, mimeTypes: ['image/png', 'image/jpeg'] });

describe('file field: options', () => {
  it('fills defaults', () => {
    const field = makeField('file');
    assert.equal(fileField.normalizeOptions(field, optionsCtx(field)), null);
    assert.deepEqual(
      [field.maxSelect, field.maxSize, field.mimeTypes, field.thumbs, field.protected, field.required],
      [1, 0, null, null, false, false],
    );
  });
  const cases: [object, Record<string, unknown>][] = [
    [{ thumbs: ['100x100', '0x50t', '50x0b'] }, {}],
    [{ thumbs: ['100x100', 'big'] }, { thumbs: { 1: 'validation_match_invalid' } }],
    [{ thumbs: ['0x0'] }, { thumbs: { 0: 'validation_not_in_invalid' } }],
    [{ maxSize: -5 }, { maxSize: 'validation_min_greater_equal_than_required' }],
    [{ maxSelect: 1.5 }, { maxSelect: 'validation_invalid_value' }],
    [{ mimeTypes: 'image/png' }, { mimeTypes: 'validation_invalid_value' }],
  ];
  for (const [options, expected] of cases) {
    it(`checks ${JSON.stringify(options)}`, () => {
      const field = makeField('file', options as object);
      assert.deepEqual(codes(fileField.normalizeOptions(field, optionsCtx(field))), expected);
    });
  }
});

describe('file field: values', () => {
  it('stores upload names', () => {
    assert.equal(fileField.prepare(single, upload('a_x1.png'), created), 'a_x1.png');
    assert.equal(fileField.prepare(multi, [upload('a.png'), upload('b.png')], created), '["a.png","b.png"]');
  });
  it('keeps existing names and drops the ones not sent', () => {
    const old = '["a.png","b.png"]';
    assert.equal(fileField.prepare(multi, ['b.png', upload('c.png')], updated(old)), '["b.png","c.png"]');
    assert.equal(fileField.prepare(multi, undefined, updated(old)), old);
    assert.equal(fileField.prepare(multi, [], updated(old)), '[]');
  });
  it('refuses names that are not already stored', () => {
    const problem = assertProblem(
      () => fileField.prepare(multi, ['evil.png'], updated('["a.png"]')),
      'validation_invalid_file',
    );
    assert.deepEqual(problem.params, { invalidFiles: ['evil.png'] });
  });
  it('checks count, size, type and name of uploads', () => {
    const many = [upload('a.png'), upload('b.png'), upload('c.png'), upload('d.png')];
    assertProblem(() => fileField.prepare(multi, many, created), 'validation_too_many_files');
    const big = assertProblem(
      () => fileField.prepare(multi, upload('a.png', 101), created),
      'validation_file_size_limit',
    );
    assert.deepEqual(big.params, { file: 'orig-a.png', maxSize: 100 });
    assertProblem(
      () => fileField.prepare(multi, upload('a.gif', 1, 'image/gif'), created),
      'validation_invalid_mime_type',
    );
    assert.equal(
      fileField.prepare(multi, upload('a.png', 1, 'image/png; charset=binary'), created),
      '["a.png"]',
    );
    assertProblem(() => fileField.prepare(multi, upload('.hidden'), created), 'validation_match_invalid');
    assertProblem(
      () => fileField.prepare(multi, upload(`${'x'.repeat(151)}`), created),
      'validation_length_out_of_range',
    );
  });
  it('applies the 5 MiB default size', () => {
    assertProblem(
      () => fileField.prepare(single, upload('a.png', (5 << 20) + 1), created),
      'validation_file_size_limit',
    );
  });
  it('requires a file when required', () => {
    assertProblem(
      () => fileField.prepare({ ...single, required: true }, undefined, created),
      'validation_required',
    );
  });
  it('outputs names by shape', () => {
    assert.deepEqual(fileField.output(multi, '["a.png"]'), ['a.png']);
    assert.equal(fileField.output(single, 'a.png'), 'a.png');
    assert.deepEqual(fileNames('["a.png","b.png"]'), ['a.png', 'b.png']);
    assert.deepEqual(fileNames(''), []);
  });
});

describe('file field: modifiers', () => {
  const old = '["a.png","b.png"]';
  const cases: [string, object, '+' | '-' | '^+', string, unknown, string][] = [
    ['append an upload', multi, '+', old, upload('c.png'), '["a.png","b.png","c.png"]'],
    ['prepend an upload', multi, '^+', old, [upload('c.png')], '["c.png","a.png","b.png"]'],
    ['remove by name', multi, '-', old, 'a.png', '["b.png"]'],
    ['remove several by JSON text', multi, '-', old, '["a.png","b.png"]', '[]'],
    ['single append replaces', single, '+', 'a.png', upload('n.png'), 'n.png'],
    ['single remove', single, '-', 'a.png', 'a.png', ''],
  ];
  for (const [name, field, modifier, before, value, stored] of cases) {
    it(name, () => {
      const next = fileField.applyModifier!(field as never, modifier, before, value);
      assert.equal(fileField.prepare(field as never, next, updated(before)), stored);
    });
  }
});
