import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestInfo } from '../../../src/data/filter/index.ts';
import { collection, openDb, schemaOf, users } from './fixture.ts';
import { evalIds, type Extra, sqlIds } from './helpers.ts';

// client filters may only reach into related collections as far as their list rule allows
const notes = {
  ...collection('notes', { owner: { type: 'relation', collectionId: 'c_users' }, text: { type: 'text' } }),
  listRule: 'owner = @request.auth.id',
};
const vault = { ...collection('vault', { code: { type: 'text' } }), listRule: null };
const docs = collection('docs', {
  note: { type: 'relation', collectionId: 'c_notes' },
  secret: { type: 'relation', collectionId: 'c_vault' },
  n: { type: 'number' },
});
const list = [users, notes, vault, docs];
const { db, stored } = openDb(
  {
    users: [
      { id: 'u1', name: 'Ann' },
      { id: 'u2', name: 'Bob' },
    ],
    notes: [
      { id: 'n1', owner: 'u1', text: 'ann note' },
      { id: 'n2', owner: 'u2', text: 'bob note' },
    ],
    vault: [{ id: 'v1', code: '1234' }],
    docs: [
      { id: 'd1', note: 'n1', secret: 'v1', n: 1 },
      { id: 'd2', note: 'n2', n: 2 },
      { id: 'd3', n: 3 },
    ],
  },
  list,
);
const ann: RequestInfo = {
  auth: { id: 'u1', collectionId: 'c_users' },
  body: {},
  query: {},
  headers: {},
  method: 'GET',
  context: 'default',
};
const base: Extra = { schema: schemaOf(list), request: ann };

function check(filter: string, expected: string[], extra: Extra = {}) {
  it(`${filter}${extra.allowHiddenFields ? ' (rule)' : ''}`, () => {
    assert.deepEqual(sqlIds(db, docs, filter, { ...base, ...extra }), expected, 'SQLite');
    assert.deepEqual(evalIds(stored, docs, filter, { ...base, ...extra }), expected, 'evaluator');
  });
}

describe('list rules of joined collections', () => {
  check("note.text ~ 'note'", ['d1']);
  check("note.text ~ 'note'", ['d1', 'd2'], { allowHiddenFields: true });
  check("note.text = '' && n > 0", ['d3']);
  check("@collection.notes.text ?= 'bob note' && n = 1", []);
  check("@collection.notes.text ?= 'bob note' && n = 1", ['d1'], { allowHiddenFields: true });
  check("secret.code = '1234'", ['d1'], { allowHiddenFields: true });
  it('refuses collections whose list rule is superusers-only', () => {
    assert.throws(
      () => sqlIds(db, docs, "secret.code = '1234'", base),
      /"vault" can be filtered by superusers only/,
    );
    assert.throws(() => sqlIds(db, docs, "@collection.vault.code ?= '1'", base), /superusers only/);
  });
});
