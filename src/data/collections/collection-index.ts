import { ApiError, fieldError } from '../../lib/errors.ts';

/** A parsed `CREATE [UNIQUE] INDEX` definition, as kept in a collection's `indexes`. */
export interface IndexDefinition {
  name: string;
  unique: boolean;
  columns: { name: string; desc: boolean; collate?: string }[];
  /** partial index: only rows where this column is not empty */
  whereNotEmpty?: string;
}

const IDENT = '[`"\\[]?([A-Za-z_][A-Za-z0-9_]*)[`"\\]]?';
const INDEX_RE = new RegExp(
  `^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}\\s+ON\\s+${IDENT}\\s*\\(([^)]*)\\)\\s*(?:WHERE\\s+(.+?))?\\s*;?\\s*$`,
  'is',
);
const COLUMN_RE = new RegExp(
  `^\\s*${IDENT}(?:\\s+COLLATE\\s+(NOCASE|BINARY|RTRIM))?(?:\\s+(ASC|DESC))?\\s*$`,
  'i',
);

/**
 * Parses an index statement. Only plain column lists are accepted (optionally with
 * COLLATE and ASC/DESC, and a `WHERE column != ''` partial condition); the statement is
 * rebuilt from the parsed parts, so nothing a client wrote is ever run as SQL text.
 */
export function parseIndex(sql: string): IndexDefinition | null {
  const match = INDEX_RE.exec(sql);
  if (!match) return null;
  let whereNotEmpty: string | undefined;
  if (match[5]) {
    const where = new RegExp(`^${IDENT}\\s*!=\\s*''$`).exec(match[5].trim());
    if (!where) return null;
    whereNotEmpty = where[1];
  }
  const columns: IndexDefinition['columns'] = [];
  for (const part of match[4].split(',')) {
    const column = COLUMN_RE.exec(part);
    if (!column) return null;
    columns.push({
      name: column[1],
      desc: column[3]?.toUpperCase() === 'DESC',
      collate: column[2]?.toUpperCase(),
    });
  }
  return { name: match[2], unique: Boolean(match[1]), columns, whereNotEmpty };
}

/** The canonical statement for an index on `table` (identifiers quoted with `quote`). */
export function indexSql(def: IndexDefinition, table: string, quote: (id: string) => string): string {
  const cols = def.columns
    .map((c) => `${quote(c.name)}${c.collate ? ` COLLATE ${c.collate}` : ''}${c.desc ? ' DESC' : ''}`)
    .join(', ');
  const where = def.whereNotEmpty ? ` WHERE ${quote(def.whereNotEmpty)} != ''` : '';
  return `CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX ${quote(def.name)} ON ${quote(table)} (${cols})${where}`;
}

/** Validates every index of a collection against its field names; answers the canonical statements. */
export function normalizeIndexes(indexes: unknown, table: string, fieldNames: Set<string>): string[] {
  if (indexes === undefined || indexes === null) return [];
  if (!Array.isArray(indexes)) {
    throw new ApiError('validation_failed', undefined, {
      indexes: fieldError('validation_invalid_indexes', 'Indexes must be a list of CREATE INDEX statements.'),
    });
  }
  const names = new Set<string>();
  const problems: Record<string, ReturnType<typeof fieldError>> = {};
  const result: string[] = [];
  indexes.forEach((raw, i) => {
    const def = typeof raw === 'string' ? parseIndex(raw) : null;
    if (!def) {
      problems[i] = fieldError('validation_invalid_index_expression', 'Invalid CREATE INDEX expression.');
      return;
    }
    const missing = [...def.columns, ...(def.whereNotEmpty ? [{ name: def.whereNotEmpty }] : [])].find(
      (c) => !fieldNames.has(c.name),
    );
    if (missing) {
      problems[i] = fieldError(
        'validation_unknown_index_column',
        `Unknown field "${missing.name}" in index.`,
      );
    } else if (names.has(def.name.toLowerCase())) {
      problems[i] = fieldError('validation_duplicated_index_name', 'The index name must be unique.');
    }
    names.add(def.name.toLowerCase());
    result.push(indexSql(def, table, (id) => `\`${id}\``));
  });
  if (Object.keys(problems).length) throw new ApiError('validation_failed', undefined, { indexes: problems });
  return result;
}
