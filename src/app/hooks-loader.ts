import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A hooks file that failed to load or to run; the message names the file and line. */
export class HooksFileError extends Error {
  readonly file: string;

  constructor(file: string, cause: unknown) {
    const where = locate(file, cause);
    const what = cause instanceof Error ? cause.message : String(cause);
    super(`Hooks file ${where} failed: ${what}`, { cause });
    this.name = 'HooksFileError';
    this.file = file;
  }
}

const HOOK_FILE = /^[^._].*\.(ts|mts|js|mjs)$/;

/** The hooks files of `dir` in name order (`*.ts`, `*.mts`, `*.js`, `*.mjs`; not `*.d.ts`, not `_` or `.` prefixed). */
export function hooksFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => HOOK_FILE.test(name) && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Imports each hooks file of `dir` in name order and calls its default export with
 * `app`, awaiting it before the next file. `generation` makes every reload import fresh
 * copies of the files (Node caches modules by URL); modules those files import
 * themselves stay cached. Answers the files loaded.
 */
export async function loadHooksDir(app: unknown, dir: string, generation: number): Promise<string[]> {
  const files = hooksFiles(dir);
  for (const file of files) {
    let setup: unknown;
    try {
      setup = (await import(`${pathToFileURL(file).href}?generation=${generation}`)).default;
    } catch (error) {
      throw new HooksFileError(file, error);
    }
    if (typeof setup !== 'function') {
      throw new HooksFileError(
        file,
        new Error(
          'it must have a default export: `export default (app) => { … }` (a function taking the app)',
        ),
      );
    }
    try {
      await setup(app);
    } catch (error) {
      throw new HooksFileError(file, error);
    }
  }
  return files;
}

/** `path:line:column` of the first stack frame (or syntax error marker) in `file`, else the path. */
function locate(file: string, cause: unknown): string {
  const shown = relative(process.cwd(), file) || file;
  const stack = cause instanceof Error ? `${cause.stack ?? ''}` : '';
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(?:\\?[^:\\s]*)?:(\\d+)(?::(\\d+))?`).exec(stack);
  if (!match) return shown;
  return match[2] ? `${shown}:${match[1]}:${match[2]}` : `${shown}:${match[1]}`;
}
