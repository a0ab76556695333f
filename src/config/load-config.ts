import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hideUrlPasswords } from '../lib/url-password.ts';
import { ConfigError, type ConfigSource, closest, SOURCE_LABELS } from './config-error.ts';
import {
  CONFIG_KEYS,
  type Config,
  type ConfigKey,
  configOptions,
  type OptionDefinition,
} from './config-options.ts';

/** What `loadConfig` reads: parsed flags (keyed by flag name or option key), the environment and cwd. */
export interface LoadConfigInput {
  flags: Record<string, string | boolean | undefined>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One raw value and enough about its origin to resolve relative paths and explain errors. */
interface RawValue {
  raw: unknown;
  source: ConfigSource;
  baseDir: string;
  /** the file it came from, for `file` values */
  file?: string;
}

type RawValues = Partial<Record<ConfigKey, RawValue>>;

const definition = (key: ConfigKey): OptionDefinition<unknown> =>
  configOptions[key] as OptionDefinition<unknown>;

const FLAG_TO_KEY = new Map<string, ConfigKey>(
  CONFIG_KEYS.flatMap((key) => [
    [key, key],
    [configOptions[key].flag, key],
  ]),
);

/**
 * Loads the configuration: defaults < config file < environment (`BASALT_*`) < flags.
 * The file is `--config PATH` (or `BASALT_CONFIG`), else `<dir>/basalt.json` when it exists.
 * Throws `ConfigError` naming the key, the source, the value and what was expected.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const flags = readFlags(input.flags, input.cwd);
  const env = readEnv(input.env, input.cwd);
  const explicitFile = flags.config ?? env.config;
  let file: RawValues = {};
  let configPath: string | null = null;
  if (explicitFile) {
    configPath = parseValue('config', explicitFile) as string;
    file = readConfigFile(configPath, true);
  } else {
    const dirValue = flags.dir ??
      env.dir ?? { raw: definition('dir').default, source: 'default', baseDir: input.cwd };
    const candidate = join(parseValue('dir', dirValue as RawValue) as string, 'basalt.json');
    if (existsSync(candidate)) {
      configPath = candidate;
      file = readConfigFile(candidate, false);
    }
  }
  const config = resolveValues({ ...file, ...env, ...flags }, input.cwd);
  config.config = configPath;
  return config;
}

/**
 * The configuration from defaults and typed `overrides` only (no file, no environment), as
 * a program embedding Basalt or a test would build it. Overrides are validated like any
 * other source; defaults that depend on `dir` follow an overridden `dir`.
 */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const cwd = process.cwd();
  const values: RawValues = {};
  for (const [key, raw] of Object.entries(overrides)) {
    if (!FLAG_TO_KEY.has(key) || FLAG_TO_KEY.get(key) !== key) {
      throw unknownKey(key, 'override', CONFIG_KEYS);
    }
    if (raw !== undefined && key !== 'config')
      values[key as ConfigKey] = { raw, source: 'override', baseDir: cwd };
  }
  const config = resolveValues(values, cwd);
  config.config = overrides.config ? resolve(cwd, overrides.config) : null;
  return config;
}

function readFlags(flags: LoadConfigInput['flags'], cwd: string): RawValues {
  const values: RawValues = {};
  for (const [name, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const key = FLAG_TO_KEY.get(name);
    if (!key)
      throw unknownKey(
        `--${name}`,
        'flag',
        CONFIG_KEYS.map((k) => `--${configOptions[k].flag}`),
      );
    values[key] = { raw, source: 'flag', baseDir: cwd };
  }
  return values;
}

function readEnv(env: NodeJS.ProcessEnv, cwd: string): RawValues {
  const values: RawValues = {};
  for (const key of CONFIG_KEYS) {
    const raw = env[configOptions[key].env];
    // An empty variable counts as unset, as `BASALT_X=` in compose files usually means.
    if (raw !== undefined && raw !== '') values[key] = { raw, source: 'env', baseDir: cwd };
  }
  return values;
}

function readConfigFile(path: string, explicit: boolean): RawValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as Error).message;
    throw new ConfigError('unreadable_file', `Cannot read config file ${path}: ${reason}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new ConfigError('invalid_file', `Config file ${path} is not valid JSON: ${reason}`, {
      cause: error,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(
      'invalid_file',
      `Config file ${path} must hold a JSON object of options, such as {"http": "0.0.0.0:8090"}.`,
    );
  }
  const values: RawValues = {};
  const fileKeys = CONFIG_KEYS.filter((key) => definition(key).inFile !== false);
  for (const [key, raw] of Object.entries(json)) {
    if (!fileKeys.includes(key as ConfigKey)) throw unknownKey(key, 'file', fileKeys, path);
    if (key === 'dir' && !explicit) {
      throw new ConfigError(
        'unknown_key',
        `Option "dir" cannot be set in ${path}, which is found through dir itself; ` +
          'set it with --dir or BASALT_DIR, or pass this file with --config.',
        { key, source: 'file' },
      );
    }
    values[key as ConfigKey] = { raw, source: 'file', baseDir: dirname(path), file: path };
  }
  return values;
}

/** Parses explicit values, then fills defaults (those depending on `dir`/`dev` last). */
function resolveValues(values: RawValues, cwd: string): Config {
  const config: Record<string, unknown> = {};
  const computed: ConfigKey[] = [];
  for (const key of CONFIG_KEYS) {
    const value = values[key];
    const fallback = definition(key).default;
    if (value) config[key] = parseValue(key, value);
    else if (typeof fallback === 'function') computed.push(key);
    else
      config[key] =
        fallback === null ? null : parseValue(key, { raw: fallback, source: 'default', baseDir: cwd });
  }
  const basis = { dir: config.dir as string, dev: config.dev as boolean };
  for (const key of computed) {
    const fallback = definition(key).default as (b: typeof basis) => string;
    config[key] = parseValue(key, { raw: fallback(basis), source: 'default', baseDir: cwd });
  }
  return Object.fromEntries(CONFIG_KEYS.map((key) => [key, config[key]])) as unknown as Config;
}

function parseValue(key: ConfigKey, value: RawValue): unknown {
  const def = definition(key);
  const parsed = def.type.parse(value.raw, { baseDir: value.baseDir });
  if (parsed !== undefined) return parsed;
  const name =
    value.source === 'flag'
      ? `--${def.flag}`
      : value.source === 'env'
        ? def.env
        : value.source === 'file'
          ? `"${key}" in ${value.file}`
          : key;
  const shown =
    def.type.placeholder === 'URL' ? redactPassword(JSON.stringify(value.raw)) : JSON.stringify(value.raw);
  throw new ConfigError(
    'invalid_value',
    `Invalid value for ${name} (${SOURCE_LABELS[value.source]}): ${shown} — expected ${def.type.expected}.`,
    { key, source: value.source },
  );
}

function unknownKey(
  name: string,
  source: ConfigSource,
  known: readonly string[],
  file?: string,
): ConfigError {
  const where = file ? ` in ${file}` : '';
  const guess = closest(name, known);
  const hint = guess ? ` — did you mean "${guess}"?` : `. Known options: ${known.join(', ')}.`;
  return new ConfigError(
    'unknown_key',
    `Unknown option "${name}"${where} (${SOURCE_LABELS[source]})${hint}`,
    {
      key: name,
      source,
    },
  );
}

/** Hides the password in `scheme://user:password@host` before a URL reaches a message. */
export const redactPassword = hideUrlPasswords;
