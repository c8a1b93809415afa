import type { RawFrame } from '../types.js';
import { learnFromFramesWithoutUser } from './await-frames.js';
import { captureCallSites, keepFrames, resolveSite, toPath, userPosition, type V8CallSite } from './call-sites.js';
import { searchFrames, SHALLOW_DEPTH } from './deep-frames.js';

/*
 * A query the user's code runs itself comes back from the same line again and again (a loop, a
 * helper), and each time its stack is the same up to the last user frame worth keeping. Capturing
 * 12 frames to keep 2 costs V8 about 0.45 µs per frame walked, so each calling line learns the path
 * its stack took: how many frames reach its last user frame, plus the one frame after it, which
 * tells who called that code. Later captures from the line ask V8 for exactly that depth, and are
 * checked frame by frame against the learned path; a stack that took another path is captured in
 * full and learned again. Library frames past the last user frame (the web framework's) are not
 * kept: the read path reads the user's frames and the library frames below the first of them.
 * An ORM's queries learn the same way, per hook: the path from the ORM's line that called the hook
 * down through the user's frames, which an N+1 loop takes again and again.
 */

interface LearnedPath {
  /** The user's line the path starts at; null for a path that starts in a library (an ORM's). */
  position: string | null;
  /** Frames to ask V8 for: through the last user frame, and the one after it. */
  depth: number;
  /** The script and position of each frame of the path, as V8 names them: what a later stack must match. */
  scripts: (string | null)[];
  positions: number[];
  frames: RawFrame[];
  /** How often a capture along the path found it, and did not: a path missed more than taken is not tried. */
  taken: number;
  missed: number;
}

const learnedPaths = new Map<string, LearnedPath>();
/** Per hook, the key of the library path its latest query took (an ORM's queries come one after another). */
const libraryPaths = new WeakMap<(...args: any[]) => unknown, string>();

function scriptName(site: V8CallSite): string | null {
  return site.getScriptNameOrSourceURL() ?? null;
}

/**
 * The kept frames of a capture, truncated after the frame that follows its last user frame, and
 * that path learned under `key`. `maxDepth`: the depth the capture was taken at, which a stack that
 * ran out of user frames in it keeps (no frame past it was looked at).
 */
function learnPath(key: string, position: string | null, sites: V8CallSite[], maxDepth: number, callerOnly = false): RawFrame[] {
  const lastUser = { index: -1 };
  keepFrames(sites, lastUser);
  const depth = Math.min(callerOnly ? firstUserIndex(sites) + 1 : lastUser.index + 2, maxDepth);
  const path = sites.length > depth ? sites.slice(0, depth) : sites;
  const frames = keepFrames(path);
  if (learnedPaths.size > 10_000) learnedPaths.clear();
  const before = learnedPaths.get(key);
  learnedPaths.set(key, {
    position, depth, scripts: path.map(scriptName), positions: path.map((site) => site.getPosition()), frames,
    taken: before?.taken ?? 0, missed: before?.missed ?? 0,
  });
  return frames;
}

/** Where the first of the user's frames is in a capture (-1: none). */
function firstUserIndex(sites: readonly V8CallSite[]): number {
  return sites.findIndex((site) => userPosition(resolveSite(site)) !== null);
}

/** The path learned under `key`, unless captures along it missed more often than not. */
function usablePath(key: string | null): LearnedPath | undefined {
  const learned = key === null ? undefined : learnedPaths.get(key);
  return learned !== undefined && learned.missed <= learned.taken + 1 ? learned : undefined;
}

/**
 * The learned frames when `sites` took the learned path exactly, else null. A stack that starts
 * elsewhere is a wrong guess of the line, not a miss of this path: only another way from the
 * same line counts against it.
 */
function framesAlong(learned: LearnedPath, sites: V8CallSite[]): RawFrame[] | null {
  const [innermost] = sites;
  if (innermost === undefined || innermost.getPosition() !== learned.positions[0] || scriptName(innermost) !== learned.scripts[0]) return null;
  if (sites.length !== learned.positions.length) return missed(learned);
  for (let index = 1; index < sites.length; index++) {
    const site = sites[index];
    if (site.getPosition() !== learned.positions[index] || scriptName(site) !== learned.scripts[index]) return missed(learned);
  }
  learned.taken += 1;
  // A copy: each capture is its own array, as callers (and the sampling's tests) tell them apart.
  return learned.frames.slice();
}

function missed(learned: LearnedPath): null {
  learned.missed += 1;
  return null;
}

/** What {@link captureFrom} captured: the calling line, when it is the user's, and the frames. */
export interface CallerFrames {
  /** `file:line:column` of the user's line that called the hook; null when a library did. */
  position: string | null;
  frames: RawFrame[];
}

/**
 * The key of the path a capture from `skipAbove` expecting the user's line `expected` should take.
 * A capture that needs only its caller (a log line: its call site, no callers) learns shorter paths
 * than a query's, under keys of their own.
 */
function pathKey(expected: string | null, skipAbove: (...args: any[]) => unknown, callerOnly: boolean): string | null {
  if (expected === null) return libraryPaths.get(skipAbove) ?? null;
  return callerOnly ? `\u0001${expected}` : expected;
}

/**
 * How many frames to capture for a query expected to come from the user's line `expected` (null:
 * no idea, or a library's): the learned path of that line (for null, of the library line that last
 * called `skipAbove`), else a full shallow capture. The caller takes the capture itself
 * (`captureCallSites`) and hands it to {@link callerFrames}: every function between the capture and
 * the hook is a frame V8 walks, at the price of a captured one.
 *
 * @example
 * const sites = captureCallSites(patchedGet, depthToCapture(expected, patchedGet));
 * const { position, frames } = callerFrames(sites, expected, patchedGet);
 */
export function depthToCapture(expected: string | null, skipAbove: (...args: any[]) => unknown, callerOnly = false): number {
  return usablePath(pathKey(expected, skipAbove, callerOnly))?.depth ?? SHALLOW_DEPTH;
}

/**
 * The frames of a capture taken {@link depthToCapture} deep from `skipAbove`, and the calling line
 * it shows. When the stack took another path than the learned one, it is captured again in full; a
 * full capture is learned, under the user's line that called the hook, or, when a library called
 * it (the ORM case, searched deeper: deep-frames.ts), under that library line.
 *
 * @example
 * callerFrames(sites, '/app/routes/posts.js:12:30', patchedGet) // { position: '/app/routes/posts.js:12:30', frames: [...] }
 */
export function callerFrames(
  sites: V8CallSite[], expected: string | null, skipAbove: (...args: any[]) => unknown, callerOnly = false,
): CallerFrames {
  const learned = usablePath(pathKey(expected, skipAbove, callerOnly));
  if (learned !== undefined) {
    const frames = framesAlong(learned, sites);
    if (frames !== null) return { position: learned.position, frames };
    sites = captureCallSites(skipAbove, SHALLOW_DEPTH);
  }
  const position = sites.length === 0 ? null : userPosition(resolveSite(sites[0]));
  if (position !== null) return { position, frames: learnPath(pathKey(position, skipAbove, callerOnly)!, position, sites, SHALLOW_DEPTH, callerOnly) };
  const found = searchFrames(skipAbove, sites);
  // No user frame at all: a thenable builder started this query; learn to follow it from now on.
  if (found.filesWithoutUser) {
    learnFromFramesWithoutUser(found.filesWithoutUser.map(toPath));
    return { position: null, frames: found.frames };
  }
  const innermost = found.sites[0];
  const key = `${callerOnly ? '\u0001' : ''}\u0000${scriptName(innermost) ?? ''}:${innermost.getPosition()}`;
  libraryPaths.set(skipAbove, key);
  return { position: null, frames: learnPath(key, null, found.sites, found.sites.length, callerOnly) };
}

/**
 * {@link callerFrames} of a capture taken here: the frames of whoever called `skipAbove` and, in
 * the same capture, its calling line, along a learned path when there is one. `callerOnly`: only
 * the call site is wanted (a log line's), so paths end at the first user frame, not the last.
 * @example
 * captureFrom(patchedConsoleLog, null, true).frames // [Sequelize's frames…, the user's line]
 *
 * @example
 * const { position, frames } = captureFrom(patchedGet, '/app/routes/posts.js:12:30');
 */
export function captureFrom(skipAbove: (...args: any[]) => unknown, expected: string | null, callerOnly = false): CallerFrames {
  return callerFrames(captureCallSites(skipAbove, depthToCapture(expected, skipAbove, callerOnly)), expected, skipAbove, callerOnly);
}

/** Per hook (a console method, a logger's write, a Redis client's send): the user's line its latest call came from. */
const latestCallers = new WeakMap<(...args: any[]) => unknown, string | null>();

/**
 * The frames of whoever called `skipAbove`, when only their call site is shown (a log line, a
 * cache command: no callers): captured along the path of the line the hook's previous call came
 * from, through the first user frame only. A request logs and talks to its cache from the same few
 * lines again and again, often through a library (Sequelize's logging, a session store): a few
 * frames deep instead of 12, then 40.
 *
 * @example
 * const frames = captureCallSiteFrames(patchedConsoleLog); // [library frames…, the user's line]
 */
export function captureCallSiteFrames(skipAbove: (...args: any[]) => unknown): RawFrame[] {
  const { position, frames } = captureFrom(skipAbove, latestCallers.get(skipAbove) ?? null, true);
  latestCallers.set(skipAbove, position);
  return frames;
}
