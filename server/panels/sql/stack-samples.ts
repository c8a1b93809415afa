import type { RawFrame } from '../../types.js';
import { captureCallSites } from '../../stack/call-sites.js';
import { captureFramesLazily, type LazyFrames } from '../../stack/callsite.js';
import type { RequestContext } from '../../request/context.js';
import { callerFrames, depthToCapture } from '../../stack/caller-frames.js';

/** One statement's latest run from one calling line (null: an ORM's). */
interface Sample {
  caller: string | null;
  frames: RawFrame[];
}

/** One statement's samples in one span: per calling line, and the line of its latest run. */
interface StatementSamples {
  latest: Sample;
  byCaller: Map<string | null, Sample>;
}

/**
 * Per request: for each span, then each SQL text, its samples. Nested maps rather than one map
 * keyed by a joined string: the SQL text is usually the very string of the previous run (a
 * prepared statement's), whose hash V8 keeps, where a joined key is hashed afresh each query.
 */
export type StackSamples = Map<string, Map<string, StatementSamples>>;

/**
 * Statements whose usual line is remembered, and how long their text may be: a text with its
 * values inlined is new every request, and a bulk insert's is long; neither should fill memory.
 */
const USUAL_CALLERS = 2_000;
const USUAL_CALLER_SQL_LENGTH = 2_000;
/** Each statement's calling line on its latest first run in a span (null: an ORM's), across requests. */
const usualCallers = new Map<string, string | null>();

/**
 * The stack of a query, taken as cheaply as it can be and never guessed. An N+1 is by nature the
 * same statement from the same line again and again, and each calling line learns the path its
 * stack takes (stack/caller-frames.ts): a run is captured along the path of the line the
 * statement's previous run came from (in this span, or on its first run here, in the previous
 * request), a few frames instead of 12, and checked frame by frame against it; a run from another
 * line, or from the same line by another way (a helper called from two loops), is captured in full.
 * Every run gets its own capture: runs used to share their line's stack past the third, checked
 * by one frame only, which gave a helper's runs from a second loop the first loop's frames (and
 * merged the two loops' N+1s: the review of #17).
 *
 * @example
 * const frames = sampledFrames(request.stackSamples ??= new Map(), spanId, sql, patchedQuery);
 */
export function sampledFrames(samples: StackSamples, spanId: string | undefined, sql: string,
  skipAbove: (...args: any[]) => unknown): RawFrame[] {
  const span = spanId ?? '';
  let statements = samples.get(span);
  if (statements === undefined) samples.set(span, statements = new Map());
  const statement = statements.get(sql);
  // Most likely from the line of its previous run here, or on its first run here, of the previous request.
  const expected = statement === undefined ? usualCallers.get(sql) ?? null : statement.latest.caller;
  const { position, frames } = callerFrames(captureCallSites(skipAbove, depthToCapture(expected, skipAbove)), expected, skipAbove);
  if (statement === undefined) {
    if (sql.length <= USUAL_CALLER_SQL_LENGTH) {
      if (usualCallers.size >= USUAL_CALLERS) usualCallers.clear();
      usualCallers.set(sql, position);
    }
    const sample: Sample = { caller: position, frames };
    statements.set(sql, { latest: sample, byCaller: new Map([[position, sample]]) });
    return frames;
  }
  sampleOf(statement, position).frames = frames;
  return frames;
}

/** The sample of `caller`'s runs (made on its first run), now the latest. */
function sampleOf(statement: StatementSamples, caller: string | null): Sample {
  let sample = statement.byCaller.get(caller);
  if (sample === undefined) statement.byCaller.set(caller, sample = { caller, frames: [] });
  statement.latest = sample;
  return sample;
}

/**
 * How many samples (statement, span and calling line) a request holds.
 *
 * @example
 * countSamples(request.stackSamples) // 3
 */
export function countSamples(samples: StackSamples): number {
  let count = 0;
  for (const statements of samples.values()) for (const statement of statements.values()) count += statement.byCaller.size;
  return count;
}

/**
 * The frames of a query a pool runs later, from a connect callback where the user's frames are
 * gone: taken now, like a direct query's ({@link sampledFrames}), and handed down through the
 * context. A query without SQL text to sample by (a config object without `text`) is captured in full.
 *
 * @example
 * const frames = poolQueryFrames(context, args[0]?.text, patchedPoolQuery);
 */
export function poolQueryFrames(context: RequestContext, sql: unknown, skipAbove: (...args: any[]) => unknown): LazyFrames {
  if (typeof sql !== 'string') return captureFramesLazily(skipAbove);
  const frames = sampledFrames(context.request.stackSamples ??= new Map(), context.span?.id, sql, skipAbove);
  return () => frames;
}
