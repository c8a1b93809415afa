import type { CallSite, DuplicateGroup, QueryRecord, RawFrame, SimilarGroup } from '../../types.js';
import { sqlShape } from './sql-shape.js';
import { parentCandidates } from './parent-query.js';
import { findRepeats, findSameRuns, groupBy, overlapping, siteKey } from '../../findings/repeats.js';

export { siteKey };

/** Repetitions from one call site before a shape counts as an N+1 (the `nPlusOneThreshold` option). */
export const N_PLUS_ONE_THRESHOLD = 3;

/**
 * A query's params as the text that tells its runs apart (bigints as `1n`: JSON has none).
 *
 * @example
 * paramsText([1, 2n]) // '[1,"2n"]'
 */
export function paramsText(params: unknown): string | undefined {
  try {
    // Without a replacer first: one called on every value made this several times slower, and a
    // bigint is rare (JSON.stringify throws on one).
    return JSON.stringify(params);
  } catch {
    return JSON.stringify(params, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));
  }
}
const paramsKey = (query: QueryRecord) => paramsText(query.params);
/** Which run a query is; a redacted one says which it really was (`sameRunAs`), since its stored values are hidden. */
const runKey = (query: QueryRecord) => (query.sameRunAs !== undefined ? `\u0001${query.sameRunAs}` : `${query.sql}\u0000${paramsKey(query)}`);
const totalMs = (queries: readonly QueryRecord[]) => queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0);

/**
 * The same SQL with the same params run two or more times: the second run could reuse the first
 * one's result.
 *
 * @example
 * findDuplicates(queries) // [{ fingerprint, sql, queryIds: [2, 5], count: 2 }]
 */
export function findDuplicates(queries: readonly QueryRecord[]): DuplicateGroup[] {
  return findSameRuns(queries, runKey)
    .map((same) => ({ fingerprint: same[0].fingerprint, sql: same[0].sql, queryIds: same.map((q) => q.id), count: same.length }));
}

/** The same shape, whatever the params, two or more times. */
export function findSimilar(queries: readonly QueryRecord[]): SimilarGroup[] {
  const groups: SimilarGroup[] = [];
  for (const same of groupBy(queries, (q) => q.fingerprint).values()) {
    if (same.length < 2) continue;
    groups.push({
      fingerprint: same[0].fingerprint, sql: same[0].sql, queryIds: same.map((q) => q.id), count: same.length,
      totalMs: totalMs(same),
    });
  }
  return groups.sort((a, b) => b.count - a.count);
}

/** An N+1 as detected, before the read path adds frames, a fix and an editor link. */
export interface NPlusOneMatch {
  fingerprint: string;
  sql: string;
  /** The repeated queries, in order. */
  queries: QueryRecord[];
  totalMs: number;
  callSite: CallSite | null;
  /** Whether some of them overlapped in time: `Promise.all(rows.map(load))`, still one round trip per row. */
  concurrent: boolean;
  /** The query that most likely fetched the list the loop went over (the first of `parents`). */
  parent: QueryRecord | null;
  /** The queries that may have, most likely first (see parentCandidates in parent-query.ts). */
  parents: QueryRecord[];
}

const overlaps = (queries: readonly QueryRecord[]) => overlapping(queries, (q) => q.startMs, (q) => q.durationMs);

/**
 * The N+1s of a request: one statement shape (fingerprint) run at least `threshold` times from the
 * same line of user code ({@link siteKey}), not all with the same SQL and params (that is a
 * duplicate, reported by {@link findDuplicates}). Only SELECT, INSERT, UPDATE and DELETE count,
 * not `BEGIN` or `SET`. Order and overlap do not matter: `for (…) await load(row)` and
 * `await Promise.all(rows.map(load))` are the same N+1, and the call site of the concurrent form is
 * the same for every query because V8's async frames lead back to the line that awaited them.
 *
 * @example
 * findNPlusOne(queries) // [{ fingerprint, sql, queries: [q2…q7], callSite: { file, line: 14 }, parent: q1, … }]
 */
export function findNPlusOne(
  queries: readonly QueryRecord[],
  threshold = N_PLUS_ONE_THRESHOLD,
  /** The captured frames of a query: without them no parent query is named. */
  framesOf: (query: QueryRecord) => readonly RawFrame[] = () => [],
): NPlusOneMatch[] {
  const matches: NPlusOneMatch[] = [];
  const statements = queries.filter((q) => sqlShape(q.sql, q.db.dialect).statement !== 'other');
  const repeats = findRepeats(statements, { shapeOf: (q) => q.fingerprint, siteOf: (q) => siteKey(q.callSite), runOf: runKey, threshold });
  for (const same of repeats) {
    // Statements an ORM issued itself for one call of the user's (a Prisma nested write, a
    // connectOrCreate, a save's cascades) repeat no loop the user wrote: count the calls.
    if (same.every((q) => q.ormCall) && new Set(same.map((q) => q.ormCall!.id)).size < threshold) continue;
    const parents = parentCandidates(queries, same, framesOf);
    matches.push({
      fingerprint: same[0].fingerprint, sql: same[0].sql, queries: same, totalMs: totalMs(same),
      callSite: same[0].callSite, concurrent: overlaps(same), parent: parents[0] ?? null, parents,
    });
  }
  return matches.sort((a, b) => b.queries.length - a.queries.length);
}
