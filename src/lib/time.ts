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
