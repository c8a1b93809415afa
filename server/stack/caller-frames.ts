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
 */

interface LearnedPath {
  /** Frames to ask V8 for: through the last user frame, and the one after it. */
  depth: number;
  /** The script and position of each frame of the path, as V8 names them: what a later stack must match. */
  scripts: (string | null)[];
  positions: number[];
  frames: RawFrame[];
}

const learnedPaths = new Map<string, LearnedPath>();

function scriptName(site: V8CallSite): string | null {
  return site.getScriptNameOrSourceURL() ?? null;
}

/** The kept frames of a stack whose innermost frame is the user's `position`, and its path learned. */
function learnPath(position: string, sites: V8CallSite[]): RawFrame[] {
  const lastUser = { index: -1 };
  keepFrames(sites, lastUser);
  const depth = Math.min(lastUser.index + 2, SHALLOW_DEPTH);
  const path = sites.length > depth ? sites.slice(0, depth) : sites;
  const frames = keepFrames(path);
  if (learnedPaths.size > 10_000) learnedPaths.clear();
  learnedPaths.set(position, { depth, scripts: path.map(scriptName), positions: path.map((site) => site.getPosition()), frames });
  return frames;
}

/** The learned frames when `sites` took the learned path exactly, else null. */
function framesAlong(learned: LearnedPath, sites: V8CallSite[]): RawFrame[] | null {
  if (sites.length !== learned.positions.length) return null;
  for (let index = 0; index < sites.length; index++) {
    const site = sites[index];
    if (site.getPosition() !== learned.positions[index] || scriptName(site) !== learned.scripts[index]) return null;
  }
  // A copy: each capture is its own array, as callers (and the sampling's tests) tell them apart.
  return learned.frames.slice();
}

/** What {@link captureFrom} captured: the calling line, when it is the user's, and the frames. */
export interface CallerFrames {
  /** `file:line:column` of the user's line that called the hook; null when a library did. */
  position: string | null;
  frames: RawFrame[];
}

/**
 * How many frames to capture for a query expected to come from the user's line `expected` (null:
 * no idea, or a library's): that line's learned path, else a full shallow capture. The caller takes
 * the capture itself (`captureCallSites`) and hands it to {@link callerFrames}: every function
 * between the capture and the hook is a frame V8 walks, at the price of a captured one.
 *
 * @example
 * const sites = captureCallSites(patchedGet, depthToCapture(expected));
 * const { position, frames } = callerFrames(sites, expected, patchedGet);
 */
export function depthToCapture(expected: string | null): number {
  return (expected === null ? undefined : learnedPaths.get(expected))?.depth ?? SHALLOW_DEPTH;
}

/**
 * The frames of a capture taken {@link depthToCapture}`(expected)` deep from `skipAbove`, and the
 * calling line it shows. When the stack took another path than `expected`'s learned one, it is
 * captured again in full; a full capture is learned when the user's code called the hook, and
 * searched deeper when a library did (the ORM case, deep-frames.ts).
 *
 * @example
 * callerFrames(sites, '/app/routes/posts.js:12:30', patchedGet) // { position: '/app/routes/posts.js:12:30', frames: [...] }
 */
export function callerFrames(sites: V8CallSite[], expected: string | null, skipAbove: (...args: any[]) => unknown): CallerFrames {
  const learned = expected === null ? undefined : learnedPaths.get(expected);
  if (learned !== undefined) {
    const frames = framesAlong(learned, sites);
    if (frames !== null) return { position: expected, frames };
    sites = captureCallSites(skipAbove, SHALLOW_DEPTH);
  }
  const position = sites.length === 0 ? null : userPosition(resolveSite(sites[0]));
  if (position !== null) return { position, frames: learnPath(position, sites) };
  const { frames, filesWithoutUser } = searchFrames(skipAbove, sites);
  // No user frame at all: a thenable builder started this query; learn to follow it from now on.
  if (filesWithoutUser) learnFromFramesWithoutUser(filesWithoutUser.map(toPath));
  return { position: null, frames };
}

/**
 * {@link callerFrames} of a capture taken here: the frames of whoever called `skipAbove` and, in
 * the same capture, its calling line, along `expected`'s learned path when it has one.
 *
 * @example
 * const { position, frames } = captureFrom(patchedGet, '/app/routes/posts.js:12:30');
 */
export function captureFrom(skipAbove: (...args: any[]) => unknown, expected: string | null): CallerFrames {
  return callerFrames(captureCallSites(skipAbove, depthToCapture(expected)), expected, skipAbove);
}
