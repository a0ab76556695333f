/**
 * Keeps docs/configuration.md in sync with the option schema (`configOptions`): every
 * option has a row in the options table with its flag, environment variable, file key
 * and default, and the table lists no option the schema lacks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultText } from '../../src/cli/command-help.ts';
import { CONFIG_KEYS, type ConfigKey, configOptions } from '../../src/config/index.ts';

const DOC = new URL('../../docs/configuration.md', import.meta.url);

/** The rows of the "## Options" table, keyed by the flag they document. */
function optionRows(): Map<string, string> {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('\n## Options');
  assert.ok(start >= 0, 'docs/configuration.md has no "## Options" section');
  const end = text.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const flag = /^\|\s*`--([A-Za-z0-9-]+)/.exec(line)?.[1];
    if (flag) rows.set(flag, line);
  }
  return rows;
}

function cells(row: string): string[] {
  // split on unescaped pipes; `\|` stays inside a cell
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

test('every option is documented with its flag, environment variable, file key and default', () => {
  const rows = optionRows();
  for (const key of CONFIG_KEYS) {
    const option = configOptions[key as ConfigKey];
    const row = rows.get(option.flag);
    assert.ok(row, `docs/configuration.md has no row for --${option.flag} (${option.env})`);
    const [flag, env, fileKey, fallback] = cells(row);
    assert.match(flag, new RegExp(`^\`--${option.flag}[ \`]`), `--${option.flag}: flag cell`);
    assert.equal(env, `\`${option.env}\``, `--${option.flag}: environment variable`);
    const inFile = (option as { inFile?: boolean }).inFile !== false;
    assert.equal(fileKey, inFile ? `\`${key}\`` : '—', `--${option.flag}: file key`);
    assert.equal(fallback, `\`${defaultText(key as ConfigKey)}\``, `--${option.flag}: default`);
  }
});

test('docs/configuration.md documents no option the schema lacks', () => {
  const flags = new Set<string>(CONFIG_KEYS.map((key) => configOptions[key as ConfigKey].flag));
  const unknown = [...optionRows().keys()].filter((flag) => !flags.has(flag));
  assert.deepEqual(
    unknown,
    [],
    `options in docs/configuration.md but not in configOptions: ${unknown.join(', ')}`,
  );
});
