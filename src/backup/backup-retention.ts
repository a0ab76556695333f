import type { BackupObject } from './backup-store.ts';

/** How many backups to keep; 0 turns a rule off. A backup any rule keeps is kept. */
export interface RetentionPolicy {
  /** the newest N */
  keepLast: number;
  /** the newest backup of each of the last N days (UTC) that have one */
  keepDaily: number;
  /** the newest backup of each of the last N ISO weeks that have one */
  keepWeekly: number;
}

/** Splits `backups` into those the policy keeps and those it drops (both newest first). */
export function applyRetention(
  backups: BackupObject[],
  policy: RetentionPolicy,
): { keep: BackupObject[]; drop: BackupObject[] } {
  const newestFirst = [...backups].sort((a, b) => b.modified.getTime() - a.modified.getTime());
  const kept = new Set<string>(newestFirst.slice(0, policy.keepLast).map((b) => b.key));
  for (const key of newestPerPeriod(newestFirst, dayOf, policy.keepDaily)) kept.add(key);
  for (const key of newestPerPeriod(newestFirst, isoWeekOf, policy.keepWeekly)) kept.add(key);
  return {
    keep: newestFirst.filter((b) => kept.has(b.key)),
    drop: newestFirst.filter((b) => !kept.has(b.key)),
  };
}

function newestPerPeriod(
  newestFirst: BackupObject[],
  periodOf: (d: Date) => string,
  count: number,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const backup of newestFirst) {
    if (seen.size >= count) break;
    const period = periodOf(backup.modified);
    if (seen.has(period)) continue;
    seen.add(period);
    out.push(backup.key);
  }
  return out;
}

function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** ISO 8601 week, e.g. `2026-W05` (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekOf(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
