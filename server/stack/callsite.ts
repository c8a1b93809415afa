import type { RawFrame } from '../types.js';
import { learnFromFramesWithoutUser } from './await-frames.js';
import { keepFrames, toPath, type LazyFrames, type V8CallSite } from './call-sites.js';
import { searchFrames } from './deep-frames.js';

export { isUserFrame, loadedAsEsModule, type LazyFrames } from './call-sites.js';

/**
 * The current stack as plain frames, without Node's internals or the toolbar's own frames: the
 * first few dependency frames (they name the ORM) and the first few frames of the user's code,
 * however deep the ORM buried them, in stack order (call-sites.ts `keepFrames`). Structured call
 * sites are used because reading `.stack` costs several times more; they are not source-mapped,
 * which `toCallSite` does later, on the read path. The capture starts shallow and goes deeper only
 * when it found no user frame (deep-frames.ts). Async frames (`await` chains, `Promise.all`) are
 * part of V8's structured stack, so a query an ORM starts after its own awaits still finds the
 * user's function that awaited it; a query a thenable builder starts from `then` does not, and
 * teaches await-frames.ts to follow that builder from then on.
 *
 * @example
 * const frames = captureFrames(patchedQuery); // frames of whoever called patchedQuery
 */
export function captureFrames(skipAbove: (...args: any[]) => unknown = captureFrames): RawFrame[] {
  const { frames, filesWithoutUser } = searchFrames(skipAbove);
  // No user frame at all: a thenable builder started this query; learn to follow it from now on.
  if (filesWithoutUser) learnFromFramesWithoutUser(filesWithoutUser.map(toPath));
  return frames;
}

/**
 * {@link captureFrames}, as a {@link LazyFrames} for the hooks that hand frames on.
 *
 * @example
 * const frames = captureFramesLazily(patchedQuery);
 * frames(); // the frames, the same array every call
 */
export function captureFramesLazily(skipAbove: (...args: any[]) => unknown = captureFramesLazily): LazyFrames {
  const frames = captureFrames(skipAbove);
  return () => frames;
}

/**
 * The raw stack now, `depth` frames, turned into frames on the first call only: for what is
 * captured often and read rarely, at start-up (where each route was registered), unlike a query's.
 *
 * @example
 * const frames = captureStackForLater(patchedUse, 12); // cheap
 * frames(); // the frames, computed once
 */
export function captureStackForLater(skipAbove: (...args: any[]) => unknown, depth: number): LazyFrames {
  const previousLimit = Error.stackTraceLimit;
  // Dropped once read: V8 keeps the raw stack, with every frame's `this` and function, in a
  // private slot of this object, which deleting `stack` does not free.
  let holder: { stack?: unknown } | null = {};
  try {
    Error.stackTraceLimit = depth;
    Error.captureStackTrace(holder, skipAbove);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let frames: RawFrame[] | undefined;
  return () => {
    if (frames) return frames;
    const previousPrepare = Error.prepareStackTrace;
    let sites: V8CallSite[];
    try {
      Error.prepareStackTrace = (_error, callSites) => callSites;
      sites = (holder?.stack as V8CallSite[] | undefined) ?? [];
    } finally {
      Error.prepareStackTrace = previousPrepare;
    }
    frames = keepFrames(sites);
    holder = null;
    return frames;
  };
}
