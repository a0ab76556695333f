import { closest } from '../config/config-error.ts';
import { ConfigError, loadConfig } from '../config/index.ts';
import { ApiError } from '../lib/errors.ts';
import { type CliIo, type Command, EXIT, UsageError } from './command.ts';
import { parseCommandArgs } from './command-args.ts';
import { formatHelp, PROGRAM } from './command-help.ts';

/**
 * Runs the command line `argv` (the words after the program name) against the command
 * tree under `root`, and returns the exit code: 0 success, 1 failure, 2 wrong usage.
 * Errors print as one line on stderr; `--debug` adds the stack.
 */
export async function runCommand(root: Command, argv: string[], io: CliIo): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const { command, path, rest } = selectCommand(root, argv);
    const parsed = parseCommandArgs(command, rest, path);
    debug = parsed.debug;
    if (parsed.help) {
      io.stdout.write(formatHelp(command, path));
      return EXIT.ok;
    }
    if (command.subcommands?.length && !command.args?.length && parsed.positionals.length > 0) {
      throw unknownCommand(command, path, parsed.positionals[0]);
    }
    if (!command.run) {
      const names = command.subcommands?.map((c) => c.name).join(', ');
      io.stderr.write(`${path} needs a command: ${names}.\n\n${formatHelp(command, path)}`);
      return EXIT.usage;
    }
    checkArity(command, parsed.positionals, path);
    const code = await command.run({
      io,
      args: parsed.positionals,
      flags: parsed.flags,
      path,
      debug,
      loadConfig: () => loadConfig({ flags: parsed.config, env: io.env, cwd: io.cwd }),
    });
    return code ?? EXIT.ok;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

/** Walks the leading words of `argv` down the command tree; `--help`/`--debug` may come first. */
function selectCommand(root: Command, argv: string[]): { command: Command; path: string; rest: string[] } {
  let command = root;
  let path = PROGRAM;
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (word === '-h' || word === '--help' || word === '--debug') {
      leading.push(word);
      continue;
    }
    const sub = command.subcommands?.find((c) => c.name === word);
    if (!sub) break;
    command = sub;
    path = `${path} ${sub.name}`;
  }
  return { command, path, rest: [...leading, ...argv.slice(i)] };
}

function unknownCommand(command: Command, path: string, word: string): UsageError {
  const names = command.subcommands?.map((c) => c.name) ?? [];
  const guess = closest(word, names);
  const hint = guess ? ` Did you mean "${guess}"?` : ` Commands: ${names.join(', ')}.`;
  return new UsageError(`Unknown command "${word}" for "${path}".${hint}`, path);
}

function checkArity(command: Command, positionals: string[], path: string): void {
  const specs = command.args ?? [];
  const missing = specs.slice(positionals.length).filter((a) => !a.optional);
  if (missing.length > 0) {
    throw new UsageError(`Missing ${missing.map((a) => a.name).join(' and ')} for "${path}".`, path);
  }
  if (positionals.length > specs.length) {
    throw new UsageError(`Unexpected argument "${positionals[specs.length]}" for "${path}".`, path);
  }
}

/** Prints `error` as one line (plus the stack with `--debug`) and picks the exit code. */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`Error: ${message}${apiErrorDetails(error)}\n`);
  if (error instanceof UsageError) {
    io.stderr.write(`Run '${error.path} --help' for usage.\n`);
    return EXIT.usage;
  }
  if (debug && error instanceof Error) io.stderr.write(`${error.stack}\n${causeChain(error)}`);
  if (error instanceof ConfigError && error.source === 'flag') return EXIT.usage;
  return EXIT.failure;
}

/** `ApiError` field problems, e.g. ` (email: Must be a valid email address.)`. */
function apiErrorDetails(error: unknown): string {
  if (!(error instanceof ApiError)) return '';
  const fields = Object.entries(error.data)
    .filter(([, value]) => typeof value.message === 'string')
    .map(([field, value]) => `${field}: ${value.message}`);
  return fields.length ? ` (${fields.join('; ')})` : '';
}

function causeChain(error: Error): string {
  let text = '';
  for (let cause = error.cause; cause; cause = cause instanceof Error ? cause.cause : undefined) {
    text += `Caused by: ${cause instanceof Error ? cause.stack : String(cause)}\n`;
  }
  return text;
}
