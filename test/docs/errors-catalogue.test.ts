/**
 * Keeps docs/errors.md and the error catalogue (`ERRORS` in src/lib/errors.ts) in sync:
 * every kind is documented with its status, and the page documents no kind that the
 * catalogue does not have.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../../src/lib/errors.ts';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** The rows of the "## Error kinds" table: kind → status as written. */
function documentedKinds(): Map<string, string> {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('\n## Error kinds');
  assert.ok(start >= 0, 'docs/errors.md has no "## Error kinds" section');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([a-z_]+)`\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (!match) continue;
    assert.ok(!rows.has(match[1]), `docs/errors.md lists the kind "${match[1]}" twice`);
    rows.set(match[1], match[2]);
  }
  return rows;
}

test('every error kind is documented with its status', () => {
  const rows = documentedKinds();
  for (const [kind, { status }] of Object.entries(ERRORS)) {
    assert.ok(rows.has(kind), `docs/errors.md does not document the kind "${kind}" (status ${status})`);
    assert.equal(rows.get(kind), String(status), `docs/errors.md gives "${kind}" the wrong status`);
  }
});

test('docs/errors.md documents no kind that the catalogue lacks', () => {
  const unknown = [...documentedKinds().keys()].filter((kind) => !Object.hasOwn(ERRORS, kind));
  assert.deepEqual(unknown, [], `kinds in docs/errors.md but not in ERRORS: ${unknown.join(', ')}`);
});

test('the kinds table is in catalogue order', () => {
  assert.deepEqual([...documentedKinds().keys()], Object.keys(ERRORS));
});
