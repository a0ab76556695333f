/**
 * Summarises a V8 CPU profile (.cpuprofile): the functions with the most self time, the
 * project functions with the most inclusive time, and self time by area (Basalt, Fastify,
 * pino, Node internals, GC…), with file:line so hot spots can be opened directly.
 * Usage: node bench/cpu-profile.ts FILE.cpuprofile [top=15]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotSpot {
  where: string;
  fn: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  self: HotSpot[];
  inclusive: HotSpot[];
  areas: { area: string; percent: number }[];
  /** share of samples with the area anywhere on the stack (e.g. all the time spent logging) */
  areasInclusive: { area: string; percent: number }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function summariseProfile(profile: Profile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totalHits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const msPerHit = (profile.endTime - profile.startTime) / 1000 / totalHits;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const areasInclusive = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    add(self, selfKey(n, byId.get(parent.get(n.id)!)), hits);
    add(areas, area(n.callFrame.url, n.callFrame.functionName), hits);
    // every distinct project frame on the stack gets the hits once (recursion counted once)
    const seen = new Set<string>();
    const seenAreas = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (frame.callFrame.url.startsWith(`file://${ROOT}src/`)) seen.add(key(frame));
      if (frame.callFrame.url) seenAreas.add(area(frame.callFrame.url, ''));
    }
    for (const k of seen) add(inclusive, k, hits);
    for (const a of seenAreas) add(areasInclusive, a, hits);
  }
  const spots = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, hits]) => {
        const [fn, where] = k.split('\u0000');
        return { fn, where, ms: hits * msPerHit, percent: (100 * hits) / totalHits };
      });
  return {
    totalMs: totalHits * msPerHit,
    self: spots(self),
    inclusive: spots(inclusive),
    areas: shares(areas, totalHits),
    areasInclusive: shares(areasInclusive, totalHits),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const rows = (list: HotSpot[]) =>
    list
      .map((h) => `  ${h.percent.toFixed(1).padStart(5)}%  ${h.fn.padEnd(36).slice(0, 36)} ${h.where}`)
      .join('\n');
  return [
    `  self time by area: ${listShares(s.areas)}`,
    `  time with the area on the stack: ${listShares(s.areasInclusive)}`,
    '  top self time:',
    rows(s.self),
    '  top inclusive time in src/:',
    rows(s.inclusive),
  ].join('\n');
}

/** Natives (SQLite calls, writes…) have no file: name the JS frame that called them. */
function selfKey(n: ProfileNode, caller: ProfileNode | undefined): string {
  const { functionName, url } = n.callFrame;
  if (url || functionName.startsWith('(') || !caller) return key(n);
  const [callerFn, callerWhere] = key(caller).split('\u0000');
  return `${functionName} (native) <- ${callerFn}\u0000${callerWhere}`;
}

function key(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(`file://${ROOT}`, '').replace(/^.*node_modules\//, '');
  const where = url ? `${file}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}\u0000${where}`;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : 'native';
  if (url.startsWith(`file://${ROOT}src/`)) return 'basalt src';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  return 'other';
}

function listShares(list: { area: string; percent: number }[]): string {
  return list
    .slice(0, 8)
    .map((a) => `${a.area} ${a.percent.toFixed(0)}%`)
    .join(', ');
}

function shares(m: Map<string, number>, total: number): { area: string; percent: number }[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, hits]) => ({ area, percent: (100 * hits) / total }));
}

function add(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/cpu-profile.ts FILE.cpuprofile [top]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  console.log(formatSummary(summariseProfile(profile, Number(process.argv[3] ?? 15))));
}
