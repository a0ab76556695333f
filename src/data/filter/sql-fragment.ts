import type { SqlValue } from '../../db/driver.ts';

/** SQL text with its `?` placeholders' values, in order. */
export interface Fragment {
  sql: string;
  params: SqlValue[];
}

type Part = Fragment | string;

/**
 * Builds a fragment: string parts are SQL text (never values), fragment parts bring
 * their params along, so placeholders and params always stay in step.
 */
export function sql(strings: TemplateStringsArray, ...parts: Part[]): Fragment {
  let text = strings[0];
  const params: SqlValue[] = [];
  parts.forEach((part, i) => {
    if (typeof part === 'string') text += part;
    else {
      text += part.sql;
      params.push(...part.params);
    }
    text += strings[i + 1];
  });
  return { sql: text, params };
}

/** A single bound value. */
export function param(value: SqlValue): Fragment {
  return { sql: '?', params: [value] };
}

/** Raw SQL without params (validated identifiers and fixed keywords only). */
export function raw(text: string): Fragment {
  return { sql: text, params: [] };
}

export function join(parts: Fragment[], separator: string): Fragment {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}
