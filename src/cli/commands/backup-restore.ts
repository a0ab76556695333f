import type { ArgSpec, Command, CommandContext, FlagSpec } from '../command.ts';
import { withApp } from '../open-app.ts';
import { createProgressBar } from '../progress-bar.ts';

/**
 * `basalt backup restore NAME`: on a stopped data dir, verify the archive into a staging
 * folder, swap it in, prove the new data by opening it, and only then drop the old data.
 * If opening fails the old data goes back; the live data is never half-replaced.
 */
async function restore({ io, args, flags, loadConfig }: CommandContext): Promise<number> {
  const config = loadConfig();
  const { restoreTargets } = await import('../../backup/index.ts');
  const targets = restoreTargets(config);
  if (!targets)
    throw new Error(
      `Restore needs the database to be a local SQLite file; ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')} is not. ` +
        'Restore a PostgreSQL database with its own tools.',
    );
  await refuseWhileServing(config.http);
  const bar = createProgressBar(io.stderr);
  const store = typeof flags.store === 'string' && flags.store ? flags.store : undefined;
  // the archive is fetched and proven while the old data is still in place and untouched
  const { backups, prepared } = await withApp(config, async (app) => ({
    backups: app.services.backups,
    prepared: await app.services.backups.prepareRestore(args[0], { location: store, onProgress: bar.update }),
  }));
  bar.done();
  const pending = await backups.swap(prepared, targets).catch(async (err) => {
    await prepared.discard();
    throw err;
  });
  try {
    await withApp(config, async () => {}); // opening it (and applying newer migrations) proves the data
  } catch (err) {
    await pending.rollback();
    await prepared.discard();
    throw new Error(
      `The restored data did not open (${(err as Error).message}); the previous data is back in place.`,
      {
        cause: err,
      },
    );
  }
  await pending.commit();
  await prepared.discard();
  if (flags.json)
    io.stdout.write(`${JSON.stringify({ key: args[0], restored: true, manifest: prepared.manifest })}\n`);
  else io.stdout.write(`Restored ${args[0]} (taken ${prepared.manifest.created}) into ${config.dir}.\n`);
  return 0;
}

/** Restore swaps files under a running server's feet: refuse when one answers at the configured address. */
async function refuseWhileServing(http: string): Promise<void> {
  const host =
    http.startsWith(':') || http.startsWith('0.0.0.0:') ? `127.0.0.1:${http.split(':').pop()}` : http;
  const answered = await fetch(`http://${host}/api/health`, { signal: AbortSignal.timeout(500) })
    .then(() => true)
    .catch(() => false);
  if (answered)
    throw new Error(
      `A server answers at http://${host}: stop it first (restore works on a stopped data dir), ` +
        'or restore through the running server with POST /api/backups/NAME/restore.',
    );
}

/** The `restore` subcommand, with the flags its siblings share. */
export function restoreCommand(store: FlagSpec, key: ArgSpec): Command {
  return {
    name: 'restore',
    summary: 'Replace the data dir with a backup (stop the server first).',
    description:
      'Verifies the backup (checksums, version, database integrity) before touching anything, swaps it\n' +
      'in, opens the result to prove it, and only then deletes the previous data. Stop the server first,\n' +
      'or restore through a running server with the API (pb.backups.restore).',
    args: [key],
    flags: { store, json: { type: 'boolean', description: 'Print the result as JSON on stdout.' } },
    config: 'brief',
    run: restore,
  };
}
