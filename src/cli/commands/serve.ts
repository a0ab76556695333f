import type { Command } from '../command.ts';
import { createApp } from '../open-app.ts';
import { installShutdownSignals } from '../signals.ts';

/** `basalt serve`: start the HTTP server and run until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Start the HTTP server.',
  description:
    'Start the HTTP server. The first SIGINT or SIGTERM stops it gracefully: it stops accepting\n' +
    'connections, finishes requests in flight and closes the database, within --shutdown-timeout.\n' +
    'A second signal exits at once.',
  config: 'full',
  examples: [
    'basalt serve',
    'basalt serve --http 0.0.0.0:8090 --dir /var/lib/basalt',
    'BASALT_DATABASE_URL=postgres://basalt@127.0.0.1:5432/basalt basalt serve',
  ],
  async run({ io, loadConfig }) {
    const config = loadConfig();
    const app = await createApp(config);
    const shutdown = installShutdownSignals({
      close: () => app.close(),
      timeoutMs: config.shutdownTimeout,
      stderr: io.stderr,
    });
    try {
      // the hooks folder is loaded by the command, not by app.serve() itself, so embedding programs opt in
      const { url } = await app.serve({ hooksDir: config.hooksDir, watchHooks: config.dev });
      io.stdout.write(`Server started at ${url}\n└─ REST API: ${url}/api/\n`);
    } catch (error) {
      // A signal during start-up may make serve() fail; the shutdown it began decides the outcome.
      if (shutdown.signal) return finish(shutdown);
      shutdown.dispose();
      await app.close().catch(() => {});
      throw error;
    }
    return finish(shutdown);
  },
};

async function finish(shutdown: ReturnType<typeof installShutdownSignals>): Promise<number> {
  const code = await shutdown.done;
  shutdown.dispose();
  return code;
}
