/** Date-time macros (`@now`, `@todayStart`, …), computed in UTC from one clock reading. */

/** Formats a date the way Basalt stores dates: `2024-01-02 15:04:05.000Z`. */
export function formatStoredDate(d: Date): string {
  return d.toISOString().replace('T', ' ');
}

const DAY = 86_400_000;

function utc(y: number, m: number, d: number, end = false): Date {
  return end ? new Date(Date.UTC(y, m, d, 23, 59, 59, 999)) : new Date(Date.UTC(y, m, d));
}

const MACROS: Record<string, (now: Date) => string | number> = {
  '@now': (n) => formatStoredDate(n),
  '@yesterday': (n) => formatStoredDate(new Date(n.getTime() - DAY)),
  '@tomorrow': (n) => formatStoredDate(new Date(n.getTime() + DAY)),
  '@second': (n) => n.getUTCSeconds(),
  '@minute': (n) => n.getUTCMinutes(),
  '@hour': (n) => n.getUTCHours(),
  '@day': (n) => n.getUTCDate(),
  '@month': (n) => n.getUTCMonth() + 1,
  '@weekday': (n) => n.getUTCDay(),
  '@year': (n) => n.getUTCFullYear(),
  '@todayStart': (n) => formatStoredDate(utc(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate())),
  '@todayEnd': (n) => formatStoredDate(utc(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate(), true)),
  '@monthStart': (n) => formatStoredDate(utc(n.getUTCFullYear(), n.getUTCMonth(), 1)),
  // day 0 of the next month is the last day of this one
  '@monthEnd': (n) => formatStoredDate(utc(n.getUTCFullYear(), n.getUTCMonth() + 1, 0, true)),
  '@yearStart': (n) => formatStoredDate(utc(n.getUTCFullYear(), 0, 1)),
  '@yearEnd': (n) => formatStoredDate(utc(n.getUTCFullYear(), 11, 31, true)),
};

/** The macro's value at `now`, or undefined when `name` is not a macro. */
export function macroValue(name: string, now: Date): string | number | undefined {
  return Object.hasOwn(MACROS, name) ? MACROS[name](now) : undefined;
}

export const MACRO_NAMES = Object.keys(MACROS);
