/** What changed between two runs of one route: queries by fingerprint, counts and times. */
import type { QueryRecord, RequestDetail, RequestSummary } from '../../../server/types.js';

export interface FingerprintChange {
  fingerprint: string;
  /** The first query's SQL of that shape, to show. */
  sql: string;
  before: number;
  after: number;
}

export interface RequestDiff {
  /** Shapes run more often now (new ones have `before` 0). */
  added: FingerprintChange[];
  /** Shapes run less often now (gone ones have `after` 0). */
  removed: FingerprintChange[];
  queries: { before: number; after: number };
  durationMs: { before: number; after: number };
  queryMs: { before: number; after: number };
}

function countByFingerprint(queries: readonly QueryRecord[]): Map<string, { sql: string; count: number }> {
  const counts = new Map<string, { sql: string; count: number }>();
  for (const q of queries) {
    const entry = counts.get(q.fingerprint);
    if (entry) entry.count++;
    else counts.set(q.fingerprint, { sql: q.sql, count: 1 });
  }
  return counts;
}

/**
 * @example
 * const diff = diffRequests(earlier, now);
 * formatDiffSummary(diff) // → '12 → 2 queries, −34 ms'
 */
export function diffRequests(before: RequestDetail, after: RequestDetail): RequestDiff {
  const a = countByFingerprint(before.panels.sql?.queries ?? []);
  const b = countByFingerprint(after.panels.sql?.queries ?? []);
  const added: FingerprintChange[] = [];
  const removed: FingerprintChange[] = [];
  for (const fingerprint of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(fingerprint)?.count ?? 0;
    const now = b.get(fingerprint)?.count ?? 0;
    const sql = (b.get(fingerprint) ?? a.get(fingerprint))!.sql;
    if (now > was) added.push({ fingerprint, sql, before: was, after: now });
    else if (now < was) removed.push({ fingerprint, sql, before: was, after: now });
  }
  const bySize = (x: FingerprintChange, y: FingerprintChange) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before);
  return {
    added: added.sort(bySize),
    removed: removed.sort(bySize),
    queries: { before: before.queryCount, after: after.queryCount },
    durationMs: { before: before.durationMs, after: after.durationMs },
    queryMs: { before: before.panels.sql?.totalQueryMs ?? 0, after: after.panels.sql?.totalQueryMs ?? 0 },
  };
}

/** `+12 ms`, `−34 ms` (a true minus sign), `±0 ms`. */
export function signedMs(delta: number): string {
  const rounded = Math.round(delta);
  if (rounded === 0) return '±0 ms';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)} ms`;
}

/** `12 → 2 queries, −34 ms`: the query count then the change in the request's duration. */
export function formatDiffSummary(diff: RequestDiff): string {
  return `${diff.queries.before} → ${diff.queries.after} ${diff.queries.after === 1 ? 'query' : 'queries'}, ${signedMs(diff.durationMs.after - diff.durationMs.before)}`;
}

/**
 * Earlier runs of the same request: same method, path and query string (`/posts?page=2` is not a
 * run of `/posts?page=1`, which queries other rows), newest first.
 */
export function earlierRuns(requests: readonly RequestSummary[], current: RequestSummary): RequestSummary[] {
  return requests
    .filter((r) => r.id !== current.id && r.startedAt <= current.startedAt && r.method === current.method && r.url === current.url)
    .sort((x, y) => y.startedAt - x.startedAt);
}
