import type { RawFrame } from '../../types.js';
import { captureCallSites, resolveSite, userPosition } from '../../stack/call-sites.js';
import { callerFrames, depthToCapture } from '../../stack/caller-frames.js';

/**
 * Runs of one statement, in one span, whose stack is captured before reuse starts: the first
 * runs of a loop, enough for the read path to see where it comes from.
 */
const CAPTURED_RUNS = 3;
/** Past those, one run in this many is captured again, so a second call site still shows up. */
const RECAPTURE_EVERY = 8;

/** One statement's runs from one calling line (null: an ORM's, captured every time). */
interface Sample {
  caller: string | null;
  runs: number;
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

const capturedOnRun = (runs: number) => runs <= CAPTURED_RUNS || runs % RECAPTURE_EVERY === 0;

/**
 * The stack of a query, captured only when it can tell something new. Capturing a stack is most
 * of what recording a query costs (µs where an in-memory SQLite query takes a few), and an N+1 is
 * by nature the same statement from the same line again and again. So when the user's code calls
 * the driver directly, the runs of one SQL text, in one span (middleware, handler, render), from
 * one line share a stack past their {@link CAPTURED_RUNS}th run, re-captured every
 * {@link RECAPTURE_EVERY} runs (the line's own callers may differ: a helper called from two loops).
 * A query an ORM issues has library code as its caller, which says nothing about the user's line:
 * its stack is always captured. The line a run will come from is guessed from the statement's
 * previous run: a run that will be captured takes its line and its stack in one capture, along the
 * path that line learned (stack/caller-frames.ts); a run that will not takes one frame, its line.
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
  if (statement === undefined) {
    // Its first run here: most likely from the line it came from in the previous request.
    const usual = usualCallers.get(sql) ?? null;
    const { position, frames } = callerFrames(captureCallSites(skipAbove, depthToCapture(usual, skipAbove)), usual, skipAbove);
    if (sql.length <= USUAL_CALLER_SQL_LENGTH) {
      if (usualCallers.size >= USUAL_CALLERS) usualCallers.clear();
      usualCallers.set(sql, position);
    }
    const sample: Sample = { caller: position, runs: 1, frames };
    statements.set(sql, { latest: sample, byCaller: new Map([[position, sample]]) });
    return frames;
  }
  const guess = statement.latest;
  if (guess.caller === null || capturedOnRun(guess.runs + 1)) {
    const { position, frames } = callerFrames(captureCallSites(skipAbove, depthToCapture(guess.caller, skipAbove)), guess.caller, skipAbove);
    const sample = sampleOf(statement, position);
    sample.runs += 1;
    sample.frames = frames;
    return frames;
  }
  // One frame says which line this run comes from (it walks the frames up to the hook too).
  const [site] = captureCallSites(skipAbove, 1);
  const caller = site === undefined ? null : userPosition(resolveSite(site));
  const sample = caller === guess.caller ? guess : sampleOf(statement, caller);
  sample.runs += 1;
  if (caller === null || capturedOnRun(sample.runs)) {
    sample.frames = callerFrames(captureCallSites(skipAbove, depthToCapture(caller, skipAbove)), caller, skipAbove).frames;
  }
  return sample.frames;
}

/** The sample of `caller`'s runs (made on its first run, counted from 0), now the latest. */
function sampleOf(statement: StatementSamples, caller: string | null): Sample {
  let sample = statement.byCaller.get(caller);
  if (sample === undefined) statement.byCaller.set(caller, sample = { caller, runs: 0, frames: [] });
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
