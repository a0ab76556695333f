import { parseArgs } from 'node:util';
import { closest } from '../config/config-error.ts';
import { CONFIG_KEYS, configOptions } from '../config/index.ts';
import { type Command, UsageError } from './command.ts';

/** A command line split into what each part of the program needs. */
export interface ParsedArgs {
  positionals: string[];
  /** the command's own flags */
  flags: Record<string, string | boolean>;
  /** configuration flags, keyed by flag name, for `loadConfig` */
  config: Record<string, string | boolean>;
  help: boolean;
  debug: boolean;
}

interface KnownFlag {
  type: 'string' | 'boolean';
  short?: string;
  /** repeated occurrences join with commas instead of the last one winning */
  list?: boolean;
  target: 'own' | 'config' | 'help' | 'debug';
}

/** The flags every command accepts. */
export const COMMON_FLAGS = {
  help: { type: 'boolean', short: 'h', description: 'Show help for this command.' },
  debug: { type: 'boolean', description: 'Print stack traces with errors.' },
} as const;

/** Every flag `command` accepts, by name. */
export function knownFlags(command: Command): Map<string, KnownFlag> {
  const known = new Map<string, KnownFlag>([
    ['help', { type: 'boolean', short: 'h', target: 'help' }],
    ['debug', { type: 'boolean', target: 'debug' }],
  ]);
  for (const [name, spec] of Object.entries(command.flags ?? {})) {
    known.set(name, { type: spec.type, short: spec.short, list: spec.list, target: 'own' });
  }
  if (command.config) {
    for (const key of CONFIG_KEYS) {
      const option = configOptions[key];
      const type = option.type.placeholder === 'BOOL' ? 'boolean' : 'string';
      known.set(option.flag, { type, list: option.type.placeholder === 'LIST', target: 'config' });
    }
  }
  return known;
}

/**
 * Parses `argv` (what follows the command path) with `node:util` parseArgs, then checks
 * each token: unknown flags and missing values are `UsageError`s. Booleans accept
 * `--flag`, `--no-flag` and `--flag=false`.
 */
export function parseCommandArgs(command: Command, argv: string[], path: string): ParsedArgs {
  const known = knownFlags(command);
  const options = Object.fromEntries(
    [...known].map(([name, flag]) => [
      name,
      flag.short ? { type: flag.type, short: flag.short } : { type: flag.type },
    ]),
  );
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const result: ParsedArgs = { positionals: [], flags: {}, config: {}, help: false, debug: false };
  for (const token of tokens) {
    if (token.kind === 'positional') result.positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const negated = token.name.startsWith('no-') && known.get(token.name.slice(3))?.type === 'boolean';
    const name = negated ? token.name.slice(3) : token.name;
    const flag = known.get(name);
    if (!flag) throw unknownFlag(token.rawName, [...known.keys()], path);
    const value = flagValue(flag, negated, token, path);
    if (flag.target === 'help' || flag.target === 'debug')
      result[flag.target] = value === true || value === 'true';
    else {
      const into = flag.target === 'own' ? result.flags : result.config;
      const previous = into[name];
      into[name] = flag.list && typeof previous === 'string' ? `${previous},${value}` : value;
    }
  }
  return result;
}

function flagValue(
  flag: KnownFlag,
  negated: boolean,
  token: { rawName: string; value?: string; inlineValue?: boolean },
  path: string,
): string | boolean {
  if (flag.type === 'boolean') {
    if (negated && token.value !== undefined) {
      throw new UsageError(`Flag ${token.rawName} takes no value.`, path);
    }
    // `--dev=false` is kept as text; the config schema (or the command) reads it as a boolean.
    return negated ? false : (token.value ?? true);
  }
  // parseArgs in non-strict mode takes the next word even when it is another flag.
  if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
    throw new UsageError(`Flag ${token.rawName} needs a value, as in ${token.rawName}=VALUE.`, path);
  }
  return token.value;
}

function unknownFlag(rawName: string, known: string[], path: string): UsageError {
  const guess = rawName.startsWith('--') ? closest(rawName.slice(2), known) : undefined;
  const hint = guess ? ` Did you mean --${guess}?` : '';
  return new UsageError(`Unknown flag ${rawName} for "${path}".${hint}`, path);
}
