import type { QueryRecord, RawFrame } from '../../types.js';
import { isUserFrame } from '../../stack/callsite.js';
import { sqlShape } from './sql-shape.js';

/**
 * The queries that may have fetched the list an N+1 loops over, most likely first, read from the
 * stacks (never from row counts, which a JOIN or an include multiplies): a SELECT that ran
 * earlier in the request from a function the loop is in, or one of its callers, on a line at or
 * above the loop's. The innermost shared function wins (the query "just before the loop" in the
 * same handler), then the latest query. Which candidate the loop really walks is for the fix to
 * decide, from the relation between the tables (fixes/index.ts); none means "not identified".
 *
 * @example
 * // const articles = await Article.findAll();        ← query #1, routes/articles.js:12 in list()
 * // for (const a of articles) await a.getAuthor();    ← queries #2…#6, routes/articles.js:13 in list()
 * parentCandidates(queries, repeated, framesOf) // [query #1]
 */
export function parentCandidates(
  queries: readonly QueryRecord[],
  repeated: readonly QueryRecord[],
  framesOf: (query: QueryRecord) => readonly RawFrame[],
): QueryRecord[] {
  const first = repeated[0];
  if (!first) return [];
  const loopFrames = framesOf(first).filter(isUserFrame);
  if (loopFrames.length === 0) return [];
  const shapes = new Set(repeated.map((q) => q.fingerprint));
  const last = repeated[repeated.length - 1].id;
  // A shape that runs again while the loop runs is a query per row of the same loop (`getAuthor()`
  // before `author.hasFollower()`), not the list the loop goes over.
  const perRow = new Set(queries.filter((q) => q.id > first.id && q.id <= last).map((q) => q.fingerprint));
  const ranked: { query: QueryRecord; depth: number }[] = [];
  for (const query of queries) {
    if (query.id >= first.id) break;
    if (shapes.has(query.fingerprint) || perRow.has(query.fingerprint) || query.error !== undefined) continue;
    const shape = sqlShape(query.sql, query.db.dialect);
    // One row of counts (findAndCountAll's COUNT) is nothing to loop over.
    if (shape.statement !== 'select' || (shape.aggregate && !shape.groupBy)) continue;
    const own = framesOf(query).filter(isUserFrame);
    const depth = loopFrames.findIndex((loop) => own.some((frame) => frame.file === loop.file
      && frame.function === loop.function && frame.line <= loop.line));
    if (depth >= 0) ranked.push({ query, depth });
  }
  return ranked.sort((a, b) => a.depth - b.depth || b.query.id - a.query.id).map((r) => r.query);
}

/**
 * The ORM method that issued a query, from its stack: the outermost library frame before the
 * user's code (`findAll` of `Function.findAll`), or null when the stack does not show it.
 *
 * @example
 * ormCallOf(frames) // 'findAll'
 */
export function ormCallOf(frames: readonly RawFrame[]): string | null {
  const firstUser = frames.findIndex(isUserFrame);
  const library = (firstUser < 0 ? frames : frames.slice(0, firstUser)).filter((f) => !isUserFrame(f));
  const outer = library.at(-1)?.function;
  if (!outer) return null;
  const name = /(?:^|\.)([A-Za-z_$][\w$]*)(?: \[as [\w$]+\])?$/.exec(outer)?.[1];
  return name ?? null;
}
