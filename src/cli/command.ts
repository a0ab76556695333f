import type { Config } from '../config/index.ts';

/** Where a command writes; `process.stdout` fits, and so does a test's collector. */
export interface Writer {
  write(chunk: string): unknown;
}

/** The outside world a command sees. */
export interface CliIo {
  stdout: Writer;
  /** progress and errors */
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A flag of a command's own (configuration flags come from the config schema). */
export interface FlagSpec {
  type: 'string' | 'boolean';
  description: string;
  /** shown after the flag in help, e.g. `PATH` */
  placeholder?: string;
  short?: string;
  /** may repeat; the values arrive joined with commas */
  list?: boolean;
}

/** A positional argument. */
export interface ArgSpec {
  /** upper-case, as shown in usage: `EMAIL` */
  name: string;
  description: string;
  optional?: boolean;
}

/** What a command's `run` receives. */
export interface CommandContext {
  io: CliIo;
  /** positional arguments, already checked against `args` */
  args: string[];
  /** the command's own flags, by name */
  flags: Record<string, string | boolean>;
  /** the command path as typed, e.g. `basalt superuser upsert` */
  path: string;
  debug: boolean;
  /** loads the configuration from defaults, file, environment and this command's flags */
  loadConfig(): Config;
}

/**
 * A command of the `basalt` tool. A command with `subcommands` and no `run` is a group;
 * with both, `run` is the default when no subcommand is named.
 */
export interface Command {
  name: string;
  /** one line, shown in the parent's command list */
  summary: string;
  /** paragraphs shown at the top of the command's help; defaults to `summary` */
  description?: string;
  args?: ArgSpec[];
  flags?: Record<string, FlagSpec>;
  /** accepts every configuration flag; `full` lists them all in help (as `serve` does) */
  config?: 'full' | 'brief';
  subcommands?: Command[];
  examples?: string[];
  run?(ctx: CommandContext): Promise<number | undefined>;
}

/** Wrong use of the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  /** the command path whose `--help` explains the right use */
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.name = 'UsageError';
    this.path = path;
  }
}

/** Exit codes of the `basalt` tool. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
