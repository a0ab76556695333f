import { readFileSync } from 'node:fs';
import type { Command } from '../command.ts';

/** The version in package.json. */
export function basaltVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** `basalt version`. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version.',
  async run({ io }) {
    io.stdout.write(`basalt ${basaltVersion()} (node ${process.version})\n`);
    return 0;
  },
};
