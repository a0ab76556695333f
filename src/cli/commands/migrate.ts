import { existsSync } from 'node:fs';
import type { Command, CommandContext } from '../command.ts';
import { withApp } from '../open-app.ts';

/** Applies the pending migrations of `--migrationsDir`, with progress on stderr. */
async function up({ io, loadConfig }: CommandContext): Promise<number> {
  const config = loadConfig();
  const dir = config.migrationsDir;
  const exists = existsSync(dir);
  // Bootstrap even without app migrations: it applies Basalt's own system migrations.
  const { applied } = await withApp(config, async (app) => {
    if (!exists) return { applied: [] };
    return app.migrations.apply(dir, (done, total, name) => io.stderr.write(`[${done}/${total}] ${name}\n`));
  });
  if (!exists) io.stdout.write(`No migrations folder at ${dir}; nothing to apply.\n`);
  else if (applied.length === 0) io.stdout.write('No new migrations to apply.\n');
  else io.stdout.write(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}.\n`);
  return 0;
}

/** Lists every migration of `--migrationsDir` as applied or pending. */
async function status({ io, loadConfig }: CommandContext): Promise<number> {
  const config = loadConfig();
  const dir = config.migrationsDir;
  if (!existsSync(dir)) {
    io.stdout.write(`No migrations folder at ${dir}.\n`);
    return 0;
  }
  const migrations = await withApp(config, (app) => app.migrations.status(dir));
  for (const { name, applied } of migrations)
    io.stdout.write(`${applied ? 'applied' : 'pending'}  ${name}\n`);
  const pending = migrations.filter((m) => !m.applied).length;
  io.stdout.write(
    `${migrations.length} migration${migrations.length === 1 ? '' : 's'}, ${pending} pending.\n`,
  );
  return 0;
}

/** `basalt migrate [up|status]`: the app's recorded schema migrations. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply schema migrations (default: up).',
  description:
    'Apply the schema migrations recorded in <dir>/migrations (or --migrationsDir) to the database.\n' +
    'Without a command, runs "up".',
  config: 'brief',
  run: up,
  subcommands: [
    { name: 'up', summary: 'Apply every pending migration.', config: 'brief', run: up },
    { name: 'status', summary: 'List migrations as applied or pending.', config: 'brief', run: status },
  ],
  examples: ['basalt migrate', 'basalt migrate status --migrationsDir ./migrations'],
};
