/**
 * Dates as PocketBase stores and shows them: UTC, `YYYY-MM-DD HH:MM:SS.sssZ`.
 * Text in this format sorts the same as time, so comparisons in SQL stay plain text.
 */
export function formatDate(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/** The current time in the stored format. */
export function nowString(): string {
  return formatDate(new Date());
}

/**
 * `format` of a millisecond timestamp, computed once per millisecond: under load many
 * log lines and stored entries share one, and formatting a date costs more than the
 * rest of a line.
 */
export function perMillisecond(format: (ms: number) => string): (ms?: number) => string {
  let lastMs = Number.NaN;
  let last = '';
  return (ms = Date.now()) => {
    if (ms !== lastMs) {
      lastMs = ms;
      last = format(ms);
    }
    return last;
  };
}
