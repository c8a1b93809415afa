import type { CallSite, DuplicateGroup, NPlusOneGroup, QueryRecord, SimilarGroup } from '../../types.js';

/** Repetitions from one call site with different params before a shape counts as an N+1. */
export const N_PLUS_ONE_THRESHOLD = 3;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const paramsKey = (query: QueryRecord) => JSON.stringify(query.params);
const siteKey = (site: CallSite | null) => (site ? `${site.file}:${site.line}:${site.column}` : '?');

/**
 * The same SQL with the same params run two or more times: the second run could reuse the first
 * one's result.
 *
 * @example
 * findDuplicates(queries) // [{ fingerprint, sql, queryIds: [2, 5], count: 2 }]
 */
export function findDuplicates(queries: readonly QueryRecord[]): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  for (const same of groupBy(queries, (q) => `${q.sql}\u0000${paramsKey(q)}`).values()) {
    if (same.length < 2) continue;
    groups.push({ fingerprint: same[0].fingerprint, sql: same[0].sql, queryIds: same.map((q) => q.id), count: same.length });
  }
  return groups.sort((a, b) => b.count - a.count);
}

/**
 * One query shape run at least {@link N_PLUS_ONE_THRESHOLD} times from the same line of user code
 * with different params: the loop that should have been one query. Overlapping (concurrent)
 * queries count too, since `Promise.all(items.map(load))` is the same N+1.
 */
export function findNPlusOne(queries: readonly QueryRecord[], threshold = N_PLUS_ONE_THRESHOLD): NPlusOneGroup[] {
  const groups: NPlusOneGroup[] = [];
  for (const same of groupBy(queries, (q) => `${q.fingerprint}\u0000${siteKey(q.callSite)}`).values()) {
    if (same.length < threshold) continue;
    const distinctParams = new Set(same.map(paramsKey));
    if (distinctParams.size < threshold) continue;
    groups.push({
      fingerprint: same[0].fingerprint,
      sql: same[0].sql,
      count: same.length,
      queryIds: same.map((q) => q.id),
      totalMs: same.reduce((sum, q) => sum + (q.durationMs ?? 0), 0),
      callSite: same[0].callSite,
      stack: same[0].callSite ? [same[0].callSite] : [],
      suggestion: null,
    });
  }
  return groups.sort((a, b) => b.count - a.count);
}

/** The same shape, whatever the params, two or more times. */
export function findSimilar(queries: readonly QueryRecord[]): SimilarGroup[] {
  const groups: SimilarGroup[] = [];
  for (const same of groupBy(queries, (q) => q.fingerprint).values()) {
    if (same.length < 2) continue;
    groups.push({
      fingerprint: same[0].fingerprint,
      sql: same[0].sql,
      queryIds: same.map((q) => q.id),
      count: same.length,
      totalMs: same.reduce((sum, q) => sum + (q.durationMs ?? 0), 0),
    });
  }
  return groups.sort((a, b) => b.count - a.count);
}
