/**
 * Keeps imports pointing one way: lib ← db ← components ← api ← http ← app ← cli/main.
 * A file may import from its own layer or a lower one; anything else fails CI with
 * the file, the import and the rule it breaks.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');

// layer rank of each top-level folder of src/ (files directly in src/ are the top)
const RANKS: Record<string, number> = {
  lib: 0,
  config: 0,
  db: 1,
  hooks: 1,
  data: 2,
  settings: 2,
  auth: 3,
  storage: 3,
  realtime: 3,
  jobs: 3,
  webhooks: 3,
  pubsub: 3,
  cache: 3,
  observability: 3,
  backup: 3,
  audit: 3,
  mail: 3,
  api: 4,
  http: 5,
  app: 6,
  cli: 7,
};
const TOP = 8;

function layerOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel.length > 1 ? rel[0] : '(root)';
}

function rankOf(layer: string): number {
  return layer === '(root)' ? TOP : (RANKS[layer] ?? -1);
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const problems: string[] = [];
for (const file of sourceFiles(SRC)) {
  const layer = layerOf(file);
  if (rankOf(layer) < 0) problems.push(`${relative(SRC, file)}: folder "${layer}" has no layer; add it to scripts/check-imports.ts`);
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(file, '..', match[1] ?? match[2]);
    if (!target.startsWith(SRC)) continue;
    const targetLayer = layerOf(target);
    if (targetLayer !== layer && rankOf(targetLayer) > rankOf(layer)) {
      problems.push(`${relative(SRC, file)} imports ${relative(SRC, target)}: ${layer} (layer ${rankOf(layer)}) may not import ${targetLayer} (layer ${rankOf(targetLayer)})`);
    }
  }
}
if (problems.length) {
  console.error(`Import direction broken (lib ← db ← components ← api ← http ← app ← cli):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('imports point one way');
