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
 * A formatter of millisecond timestamps as `Date.prototype.toISOString` prints them
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`; `separator` replaces the `T`, e.g. ' ' for the stored
 * format). The part up to the second is formatted once per second and the milliseconds
 * appended: formatting a Date costs thousands of instructions, more than a whole log
 * line, and a quiet server logs in a new millisecond nearly every time.
 */
export function isoClock(separator = 'T'): (ms: number) => string {
  let second = Number.NaN;
  let head = '';
  return (ms) => {
    const seconds = Math.floor(ms / 1000);
    if (seconds !== second) {
      second = seconds;
      head = new Date(seconds * 1000).toISOString().slice(0, 20).replace('T', separator);
    }
    const millis = ms - seconds * 1000;
    return `${head}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  };
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
