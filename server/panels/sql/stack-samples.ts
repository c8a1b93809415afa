import { captureFramesLazily, userCallerPosition, type LazyFrames } from '../../stack/callsite.js';

/**
 * Runs of one statement, in one span, whose stack is captured before reuse starts: the first
 * runs of a loop, enough for the read path to see where it comes from.
 */
const CAPTURED_RUNS = 3;
/** Past those, one run in this many is captured again, so a second call site still shows up. */
const RECAPTURE_EVERY = 8;

/** Per request: for each span, calling line and SQL text, how often it ran and the latest stack captured. */
export type StackSamples = Map<string, { runs: number; frames: LazyFrames }>;

/**
 * The stack of a query, captured only when it can tell something new. Capturing a stack is most
 * of what recording a query costs (µs where an in-memory SQLite query takes a few), and an N+1 is
 * by nature the same statement from the same line again and again. So when the user's code calls
 * the driver directly, the runs of one SQL text, in one span (middleware, handler, render), from
 * one line share a stack past their {@link CAPTURED_RUNS}th run, re-captured every
 * {@link RECAPTURE_EVERY} runs (the line's own callers may differ: a helper called from two loops).
 * A query an ORM issues has library code as its caller, which says nothing about the user's line:
 * its stack is always captured.
 *
 * @example
 * const frames = sampledFrames(request.stackSamples ??= new Map(), spanId, sql, patchedQuery);
 */
export function sampledFrames(samples: StackSamples, spanId: string | undefined, sql: string,
  skipAbove: (...args: any[]) => unknown): LazyFrames {
  const caller = userCallerPosition(skipAbove);
  if (caller === null) return captureFramesLazily(skipAbove);
  const key = `${spanId ?? ''}\u0000${caller}\u0000${sql}`;
  const sample = samples.get(key);
  if (sample === undefined) {
    const frames = captureFramesLazily(skipAbove);
    samples.set(key, { runs: 1, frames });
    return frames;
  }
  sample.runs += 1;
  if (sample.runs <= CAPTURED_RUNS || sample.runs % RECAPTURE_EVERY === 0) sample.frames = captureFramesLazily(skipAbove);
  return sample.frames;
}
