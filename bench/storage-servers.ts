/**
 * The two servers of the storage bench, each in its own process: Basalt started the way
 * users start it (`node bin/basalt.js serve`, as `npm start` does), and the baseline, a
 * plain node:http server piping the socket to a file and a file to the socket.
 *
 * Both get the glibc malloc settings bin/basalt.js gives a user's server
 * (bin/allocator-env.js): the binary sets them by replacing its own process, so a server
 * started from a script without them would run on another allocator than users get, and
 * its RSS would be another figure. The binary also turns Node's compile cache on before
 * the first TypeScript file, so a warm start never loads the type-stripping parser, as
 * `node src/main.ts` would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../bin/allocator-env.js';
import { SUPERUSER } from '../test/helpers/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/basalt.js');

/** The environment of both servers: the allocator settings, then the bench's own environment. */
const serverEnv = (nodeOptions: string) => ({
  ...ALLOCATOR_ENV,
  ...process.env,
  ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
});

const BASELINE = `
const http = require('node:http'); const fs = require('node:fs'); const dir = process.argv[1];
http.createServer((req, res) => {
  const file = dir + '/' + encodeURIComponent(req.url);
  const flush = req.headers['x-fsync'] === '1';
  // with flush, the answer waits for 'close': a WriteStream flushes (fsync) only after 'finish', as it closes
  if (req.method === 'PUT') { req.pipe(fs.createWriteStream(file, { flush })).on(flush ? 'close' : 'finish', () => res.end('ok')); return; }
  fs.createReadStream(file).on('error', () => { res.statusCode = 404; res.end(); }).pipe(res);
}).listen(0, '127.0.0.1', function () { console.log('listening ' + this.address().port); });`;

/** Starts the baseline server keeping its files in `dir`. */
export function startBaseline(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', BASELINE, dir], {
    env: serverEnv(''),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) =>
    child.stdout!.on('data', (d) => {
      const port = /listening (\d+)/.exec(String(d))?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    }),
  );
}

/** A running Basalt server of the bench. */
export interface BenchBasalt {
  child: ChildProcess;
  url: string;
  /** a superuser token */
  token: string;
  exited: Promise<void>;
}

/** Runs `basalt ARGS…` to completion with the servers' environment. */
function runCli(args: string[], nodeOptions: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: serverEnv(nodeOptions),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`basalt ${args[0]} exited with ${code}: ${errors}`)),
    ),
  );
}

/** Starts `basalt serve` in `dir` and resolves once it serves, with its URL. */
async function serve(dir: string, args: string[], nodeOptions: string) {
  const argv = [BIN, 'serve', '--http', '127.0.0.1:0', '--dir', dir, '--log-level', 'warn', ...args];
  const child = spawn(process.execPath, argv, {
    env: serverEnv(nodeOptions),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  // kept for the error below; a server at --log-level warn writes little
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /Server started at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    exited.then(() => reject(new Error(`basalt serve exited before serving:\n${out}`)));
  });
  return { child, url, exited };
}

/**
 * Creates the bench's superuser in `dir`, then starts `basalt serve` there with `args`.
 * A first start, stopped at once, fills Node's compile cache for every module the server
 * loads (the CLI run loads fewer): after a code change the measured server would
 * otherwise compile TypeScript and keep the type stripper in memory, ~15 MB of RSS users
 * see only on their first start. `profile` (Node options) goes to the measured server only.
 */
export async function startBasaltBinary(
  dir: string,
  args: string[],
  nodeOptions: string,
  profile = '',
): Promise<BenchBasalt> {
  await runCli(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir], nodeOptions);
  const warming = await serve(dir, args, nodeOptions);
  // a graceful stop: the compile cache is written when the process exits normally
  warming.child.kill('SIGINT');
  await warming.exited;
  const { child, url, exited } = await serve(dir, args, `${nodeOptions} ${profile}`.trim());
  const auth = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: SUPERUSER.email, password: SUPERUSER.password }),
  });
  const { token } = (await auth.json()) as { token: string };
  return { child, url, token, exited };
}
