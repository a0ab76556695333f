/** Where a configuration value came from, lowest priority first. */
export type ConfigSource = 'default' | 'file' | 'env' | 'flag' | 'override';

/** Stable identities for configuration problems, apart from their messages. */
export type ConfigErrorCode = 'invalid_value' | 'unknown_key' | 'unreadable_file' | 'invalid_file';

/**
 * Start-up stops with this when configuration is wrong. The message is one sentence a
 * person can act on: which key, where it came from, the value, and what was expected.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  /** the option key (camelCase) or the unknown key as written; undefined for file-level problems */
  readonly key: string | undefined;
  readonly source: ConfigSource | undefined;

  constructor(
    code: ConfigErrorCode,
    message: string,
    details: { key?: string; source?: ConfigSource; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'ConfigError';
    this.code = code;
    this.key = details.key;
    this.source = details.source;
  }
}

/** Words used in messages for each source. */
export const SOURCE_LABELS: Record<ConfigSource, string> = {
  default: 'default',
  file: 'config file',
  env: 'environment',
  flag: 'flag',
  override: 'override',
};

/** The known name closest to `name` (edit distance ≤ 3, or a case-insensitive match), if any. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
