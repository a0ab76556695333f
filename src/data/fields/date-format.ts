/**
 * PocketBase's date format: `YYYY-MM-DD HH:MM:SS.sssZ`, always UTC, "" for no date.
 */

const DATE_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Formats a time in the stored date format. */
export function formatDate(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/** The current time in the stored date format. */
export function nowDate(): string {
  return formatDate(new Date());
}

/**
 * Reads a date input: ISO 8601 / RFC 3339 text, the stored format, a date alone
 * (midnight UTC), a `Date`, or a number of Unix seconds. Answers the stored form, ""
 * for empty input (`""`, `null`, `undefined`), or `undefined` when the input is not a date.
 */
export function parseDate(input: unknown): string | undefined {
  if (input === null || input === undefined || input === '') return '';
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : formatDate(input);
  if (typeof input === 'number') return Number.isFinite(input) ? safeFormat(input * 1000) : undefined;
  if (typeof input !== 'string') return undefined;
  const m = DATE_TEXT.exec(input.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(local).getUTCDate() !== day) return undefined; // e.g. 2023-02-30
  return safeFormat(local - offsetMinutes(m[8]) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return zone[0] === '-' ? -minutes : minutes;
}

function safeFormat(epochMs: number): string | undefined {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  return year < 0 || year > 9999 ? undefined : formatDate(date);
}
