import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';

/** What a parser may need besides the raw value. */
export interface ParseContext {
  /** directory that relative paths are resolved against (cwd, or the config file's folder) */
  baseDir: string;
}

/**
 * One kind of option value: how it reads from a string (flag, environment) or a JSON
 * value (config file, programmatic override), and how it is described to people.
 * `parse` returns `undefined` for a bad value; the caller reports it with `expected`.
 */
export interface ValueType<T> {
  /** the placeholder shown in help, e.g. `SIZE` in `--body-limit SIZE` */
  readonly placeholder: string;
  /** completes "expected …" in error messages */
  readonly expected: string;
  parse(raw: unknown, ctx: ParseContext): T | undefined;
  /** renders a parsed value back in the form a person would type it */
  format(value: T): string;
}

const text = (raw: unknown): string | undefined => (typeof raw === 'string' ? raw.trim() : undefined);

/** Any non-empty string. */
export function stringValue(placeholder: string, expected: string): ValueType<string> {
  return { placeholder, expected, parse: (raw) => text(raw) || undefined, format: String };
}

/** A filesystem path, made absolute against the context's base directory. */
export const pathValue: ValueType<string> = {
  placeholder: 'PATH',
  expected: 'a filesystem path',
  parse: (raw, ctx) => {
    const value = text(raw);
    if (!value || value.includes('\0')) return undefined;
    return isAbsolute(value) ? resolve(value) : resolve(ctx.baseDir, value);
  },
  format: String,
};

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** true/false, 1/0, yes/no, on/off (or a JSON boolean). */
export const boolValue: ValueType<boolean> = {
  placeholder: 'BOOL',
  expected: 'true or false',
  parse: (raw) => {
    if (typeof raw === 'boolean') return raw;
    const value = text(raw)?.toLowerCase() ?? '';
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    return undefined;
  },
  format: String,
};

/** A whole number within `[min, max]`. */
export function intValue(min: number, max: number): ValueType<number> {
  return {
    placeholder: 'N',
    expected: `a whole number from ${min} to ${max}`,
    parse: (raw) => {
      const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(text(raw) ?? '') ? Number(text(raw)) : NaN;
      return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
    },
    format: String,
  };
}

/** One of a fixed set of words (case-insensitive on input). */
export function enumValue<const T extends string>(values: readonly T[]): ValueType<T> {
  return {
    placeholder: values.join('|'),
    expected: `one of ${values.join(', ')}`,
    parse: (raw) => values.find((v) => v === text(raw)?.toLowerCase()),
    format: String,
  };
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** A size in bytes: `1048576`, `512KiB`, `32MiB`, `1GB` (KB/MB/GB are powers of 1000). */
export const bytesValue: ValueType<number> = {
  placeholder: 'SIZE',
  expected: 'a size such as 32MiB, 512KiB or 1048576 (bytes)',
  parse: (raw) => {
    if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text(raw) ?? '');
    const unit = BYTE_UNITS[(match?.[2] || 'b').toLowerCase()];
    if (!match || unit === undefined) return undefined;
    const value = Math.round(Number(match[1]) * unit);
    return Number.isSafeInteger(value) ? value : undefined;
  },
  format: (value) => {
    for (const [unit, size] of [
      ['GiB', 2 ** 30],
      ['MiB', 2 ** 20],
      ['KiB', 2 ** 10],
    ] as const) {
      if (value >= size && value % size === 0) return `${value / size}${unit}`;
    }
    return String(value);
  },
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in milliseconds: `30s`, `500ms`, `5m`, `1h30m`; a bare `0` means none. */
export const durationValue: ValueType<number> = {
  placeholder: 'DURATION',
  expected: 'a duration such as 30s, 500ms, 5m or 1h30m',
  parse: (raw) => {
    const value = text(raw) ?? '';
    if (value === '0') return 0;
    if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(value)) return undefined;
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
      total += Number(amount) * DURATION_UNITS[unit];
    }
    return Number.isSafeInteger(Math.round(total)) ? Math.round(total) : undefined;
  },
  format: (value) => {
    if (value === 0) return '0';
    for (const [unit, size] of [
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
    ] as const) {
      if (value % size === 0) return `${value / size}${unit}`;
    }
    return `${value}ms`;
  },
};

/** An absolute URL with a scheme, e.g. `postgres://user@host/db`, `memory://` or `sqlite::memory:`. */
export function urlValue(examples: string): ValueType<string> {
  return {
    placeholder: 'URL',
    expected: `a URL such as ${examples}`,
    parse: (raw) => {
      const value = text(raw);
      return value && /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value) ? value : undefined;
    },
    format: String,
  };
}

/** `host:port`, the shape of PocketBase's `--http` (IPv6 hosts in brackets; the host may be empty). */
export const hostPortValue: ValueType<string> = {
  placeholder: 'HOST:PORT',
  expected: 'host:port such as 127.0.0.1:8090',
  parse: (raw) => {
    const value = text(raw) ?? '';
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]*):(\d{1,5})$/i.exec(value);
    return match && Number(match[2]) <= 65535 ? value : undefined;
  },
  format: String,
};

/**
 * A list: comma-separated in flags and environment, a JSON array (or the same string) in
 * files. Each item must pass `item`.
 */
export function listValue(item: (value: string) => boolean, expected: string): ValueType<string[]> {
  return {
    placeholder: 'LIST',
    expected,
    parse: (raw) => {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      if (!items?.every((v) => typeof v === 'string')) return undefined;
      const values = items.map((v) => v.trim()).filter((v) => v !== '');
      return values.every(item) ? values : undefined;
    },
    format: (values) => values.join(','),
  };
}

/** An IP address or a CIDR range such as `10.0.0.0/8` or `fd00::/8`. */
export function isIpOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** `*`, or an origin such as `https://app.example.com` (scheme, host, optional port). */
export function isOrigin(value: string): boolean {
  if (value === '*') return true;
  return URL.canParse(value) && new URL(value).origin === value.replace(/\/$/, '');
}
