import type { TableCatalog } from './catalog.js';

/*
 * When a table's indexes or size last changed, as far as this process has seen: a query timed
 * before an index was created (or while the table was a quarter of its size) says nothing about
 * what a new index would save now. The databases keep no creation time for an index, so the
 * toolbar remembers what each catalog read showed, and when.
 */

/** The table's plain shape for planning: its indexes (name, method, columns) and its size to within a factor of two. */
export function catalogSignature(table: TableCatalog): string {
  const indexes = table.indexes.map((index) => `${index.name}:${index.method}:${index.partial ? 'p' : ''}:${index.columns.join(',')}`).sort();
  const size = table.rows === null || table.rows < 1 ? 'unknown' : String(Math.floor(Math.log2(table.rows)));
  return `${indexes.join(';')}|${size}`;
}

interface Seen {
  signature: string;
  /** When this signature was first read. */
  since: number;
  /** When the signature before it was last read, if one was: the change happened after that. */
  changedAfter: number | null;
}

const seen = new Map<string, Seen>();

/** What counts of a table's history: runs from `since` on, or all of them when the toolbar has no earlier reading. */
export interface Freshness {
  /** Runs recorded before this (epoch ms) are left out; null when every run counts. */
  since: number | null;
  /** Why, in a sentence. */
  note: string;
}

/**
 * Records the table's signature as read now and answers which recorded runs still say what its
 * queries cost: after a change (an index created or dropped, the table's size doubled or halved)
 * only those recorded after the read that first showed it; before any change the toolbar saw, all.
 *
 * @example
 * freshness('pg:app@db/app', table, Date.now()) // { since: 1767225600000, note: 'posts changed (…) …' }
 */
export function freshness(explainKey: string, table: TableCatalog, now: number): Freshness {
  const key = `${explainKey}\u0000${table.schema ?? ''}\u0000${table.name}`;
  const signature = catalogSignature(table);
  let entry = seen.get(key);
  if (!entry) {
    entry = { signature, since: now, changedAfter: null };
    seen.set(key, entry);
  } else if (entry.signature !== signature) {
    entry = { signature, since: now, changedAfter: entry.since };
    seen.set(key, entry);
  }
  if (entry.changedAfter === null) {
    return { since: null, note: `Every stored run counts: the toolbar has seen no change to ${table.name}'s indexes or size since it first read its catalog (an index created before that reading cannot be told apart).` };
  }
  return {
    since: entry.since,
    note: `Only runs recorded from ${new Date(entry.since).toISOString()} count: ${table.name}'s indexes or size changed after ${new Date(entry.changedAfter).toISOString()}, and runs timed before that say nothing of its queries now.`,
  };
}

/** Forgets every reading (tests). */
export function resetCatalogWatch(): void {
  seen.clear();
}
