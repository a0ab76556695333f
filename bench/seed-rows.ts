/**
 * The rows both servers are seeded with, generated the same way for each so that ids,
 * filters and counts line up: `seedRow(i)` is a pure function of `i`.
 */

export interface PostInput {
  id?: string;
  title: string;
  views: number;
  status: 'draft' | 'published';
}

/** The list scenario's filter: `status = "published" && views > 500`. */
export const LIST_FILTER = { status: 'published', minViews: 500 } as const;

/** The post seeded at position `i` (0-based); ids are 15 chars of [a-z0-9], PocketBase's default shape. */
export function seedRow(i: number): Required<PostInput> {
  return {
    id: seedId(i),
    title: `Seeded post number ${i}`,
    // a scrambled spread over 0..999 so the filter keeps ~1/4 of the rows and sort has work to do
    views: (i * 7919 + 13) % 1000,
    status: i % 2 === 0 ? 'published' : 'draft',
  };
}

export function seedId(i: number): string {
  return `p${i.toString(36).padStart(14, '0')}`;
}

/** How many of the first `n` seeded rows match the list filter (checked against both servers). */
export function expectedListTotal(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = seedRow(i);
    if (row.status === LIST_FILTER.status && row.views > LIST_FILTER.minViews) total++;
  }
  return total;
}

/** A body for the create scenario; the server picks the id. */
export function newPost(n: number): PostInput {
  return {
    title: `Created during the bench ${n}`,
    views: n % 1000,
    status: n % 2 === 0 ? 'published' : 'draft',
  };
}
