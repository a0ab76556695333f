import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, SUPERUSER } from './server.ts';

/** src/main.ts, the binary, run by this (Node 24) runtime. */
export const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A fresh data dir under the OS temp dir. */
export function tempDir(prefix = 'basalt-proc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `node src/main.ts ARGS…` to completion (killed after 30 s); answers the exit code and output. */
export function runBasalt(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A `basalt serve` child process. */
export interface ProcessServer {
  child: ChildProcess;
  url: string;
  dir: string;
  /** everything written so far */
  stdout(): string;
  stderr(): string;
  /** resolves once the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** a superuser token (the superuser is created by `startProcessServer`) */
  token(): Promise<string>;
  /** SIGKILL if still running, and wait for the exit */
  kill(): Promise<void>;
}

export interface ProcessServerOptions {
  /** extra `serve` flags */
  args?: string[];
  env?: Record<string, string>;
  /** create the test superuser first with `superuser upsert` (default true) */
  superuser?: boolean;
}

/**
 * Starts `node src/main.ts serve --http 127.0.0.1:0 --dir DIR` and resolves once it prints
 * the URL it serves on. Logs go at warn level so a busy server doesn't fill the pipes.
 */
export async function startProcessServer(
  dir: string,
  options: ProcessServerOptions = {},
): Promise<ProcessServer> {
  if (options.superuser !== false) {
    const upsert = await runBasalt([
      'superuser',
      'upsert',
      SUPERUSER.email,
      SUPERUSER.password,
      '--dir',
      dir,
    ]);
    if (upsert.code !== 0) throw new Error(`superuser upsert failed (${upsert.code}): ${upsert.stderr}`);
  }
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--http', '127.0.0.1:0', '--dir', dir, '--log-level', 'warn', ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60s:\n${out}\n${err}`)), 60_000);
    const onData = () => {
      const match = /Server started at (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before serving:\n${out}\n${err}`));
    });
  });
  let token: string | null = null;
  return {
    child,
    url,
    dir,
    stdout: () => out,
    stderr: () => err,
    exited,
    async token() {
      if (token) return token;
      const response = await http(url, 'POST', '/api/collections/_superusers/auth-with-password', {
        body: { identity: SUPERUSER.email, password: SUPERUSER.password },
      });
      if (response.status !== 200)
        throw new Error(`superuser sign-in failed: ${JSON.stringify(response.body)}`);
      token = response.body.token as string;
      return token;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Creates a base collection `name` that anyone may list, view and create in, with a text and a number field. */
export async function createOpenCollection(server: ProcessServer, name: string): Promise<void> {
  const response = await http(server.url, 'POST', '/api/collections', {
    token: await server.token(),
    body: {
      name,
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'n', type: 'number' },
      ],
    },
  });
  if (response.status !== 200) throw new Error(`creating ${name} failed: ${JSON.stringify(response.body)}`);
}

/** Every record of a collection (id and title), read page by page as the superuser. */
export async function allRecords(server: ProcessServer, collection: string): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  const token = await server.token();
  for (let page = 1; ; page++) {
    const response = await http(
      server.url,
      'GET',
      `/api/collections/${collection}/records?perPage=1000&page=${page}&skipTotal=1&fields=id,title&sort=id`,
      { token },
    );
    if (response.status !== 200) throw new Error(`listing failed: ${JSON.stringify(response.body)}`);
    for (const item of response.body.items) records.set(item.id, item.title);
    if (response.body.items.length < 1000) return records;
  }
}
