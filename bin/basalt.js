#!/usr/bin/env node
// The `basalt` command. Basalt's TypeScript runs on Node 24's type stripping, so on an older
// Node this re-runs itself with the Node 24 the checkout pins (the `node` dev dependency).
// Plain JavaScript on purpose: it must at least start on the older Node.
import { spawn } from 'node:child_process';
import { accessSync, existsSync, constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from './allocator-env.js';

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major >= REQUIRED_MAJOR) {
  const allocatorEnv = missingAllocatorEnv();
  if (allocatorEnv && !hasIpcChannel()) restartWith(allocatorEnv);
  // before the first TypeScript file, so even src/main.ts comes from the compile cache
  // and Node never loads its TypeScript parser on a warm start (see src/main.ts)
  (await import('node:module')).enableCompileCache();
  await import('../src/main.ts');
} else {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned) || process.env.BASALT_NODE_REEXEC) {
    process.stderr.write(
      `Error: basalt needs Node.js ${REQUIRED_MAJOR} or later; this is Node.js ${process.version} (${process.execPath}).\n` +
        `Run 'npm ci' in ${root} to install the pinned Node.js ${REQUIRED_MAJOR} (the "node" dev dependency),\n` +
        `or install Node.js ${REQUIRED_MAJOR} from https://nodejs.org and put it first on PATH.\n`,
    );
    process.exit(1);
  }
  reexec(pinned);
}

/** Runs this script again under `node`, passing arguments, stdio, signals and the exit code through. */
function reexec(node) {
  const env = { ...process.env, BASALT_NODE_REEXEC: '1' };
  Object.assign(env, missingAllocatorEnv());
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  // Ctrl+C reaches the child directly (same process group), so this process only stays
  // alive for it; SIGTERM/SIGHUP from a supervisor reach only this process, so forward them.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`Error: could not start ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) =>
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)),
  );
}

/** The allocator settings (ALLOCATOR_ENV) the environment does not set yet; null when none or not Linux. */
function missingAllocatorEnv() {
  if (process.platform !== 'linux') return null;
  const missing = Object.entries(ALLOCATOR_ENV).filter(([name]) => process.env[name] === undefined);
  return missing.length ? Object.fromEntries(missing) : null;
}

/**
 * A process forked with an IPC channel (a supervisor's, the bench's) is left as it is: Node
 * opens the channel close-on-exec, so the replacement would lose it. Such a parent can set
 * the variables itself.
 */
function hasIpcChannel() {
  return process.channel !== undefined;
}

/**
 * Replaces this process with the same one plus `env` (same pid, arguments, flags and
 * standard streams), with Node 24's process.execve, before any module loads (~40 ms).
 */
function restartWith(env) {
  // Node aborts the process when execve fails, so it is only tried on a runtime that can
  // still be executed (one replaced or removed while running cannot)
  if (!process.execve || !isExecutable(process.execPath)) return;
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, argv, { ...process.env, ...env });
}

function isExecutable(file) {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
