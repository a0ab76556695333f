import type { CliIo, Command } from './command.ts';
import { runCommand } from './command-run.ts';
import { mailCommand } from './commands/mail.ts';
import { backupCommand } from './commands/backup.ts';
import { migrateCommand } from './commands/migrate.ts';
import { s3Command } from './commands/s3.ts';
import { serveCommand } from './commands/serve.ts';
import { superuserCommand } from './commands/superuser.ts';
import { usersCommand } from './commands/users.ts';
import { basaltVersion, versionCommand } from './commands/version.ts';

export type { CliIo, Command, CommandContext, Writer } from './command.ts';
export { runCommand } from './command-run.ts';

/** The `basalt` command tree. */
export const rootCommand: Command = {
  name: 'basalt',
  summary: 'Basalt: the backend of an application in one program, speaking the PocketBase API.',
  flags: { version: { type: 'boolean', short: 'v', description: 'Print the version.' } },
  subcommands: [serveCommand, superuserCommand, usersCommand, mailCommand, migrateCommand, backupCommand, s3Command, versionCommand],
  examples: [
    'basalt serve',
    'basalt superuser upsert admin@example.com "a long password"',
    'basalt serve --help',
  ],
};

/**
 * Runs the `basalt` command line. `argv` is what follows the program name
 * (`process.argv.slice(2)`). Resolves with the exit code: 0 success, 1 failure,
 * 2 wrong usage (unknown command or flag, missing argument, bad flag value).
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    stdout.write(`basalt ${basaltVersion()}\n`);
    return 0;
  }
  return runCommand(rootCommand, argv, {
    stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
  });
}
