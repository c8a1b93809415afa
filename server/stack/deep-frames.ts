import type { RawFrame } from '../types.js';
import { captureCallSites, isUserFrame, keepFrames, scriptOf, type V8CallSite } from './call-sites.js';

/**
 * Stack depth captured first, per query: the call site and its nearest callers are almost always
 * in it, and V8's cost grows with the depth it walks (about 0.45 µs a frame, plus the call-site
 * objects built from them), so a shallow capture is most of the saving...
 */
export const SHALLOW_DEPTH = 12;
/**
 * ...knex and sequelize put 10 to 15 frames of their own (async ones included) above the user's
 * line: a shallow capture without a single user frame is taken again this deep, and then deeper.
 * How deep each call site needed is remembered, so a deep ORM pays for one capture, not three.
 */
const CAPTURED_DEPTH = 40;
/** ...and a capture this deep without a single user frame is as far as it goes: rare, and worth it. */
const DEEP_DEPTH = 100;

/** The depth a call site (its innermost frame's script and position) needed to reach a user frame. */
const depthNeeded = new Map<string, number>();

function depthKey(site: V8CallSite | undefined): string | null {
  const name = site?.getScriptNameOrSourceURL();
  return name ? `${name}:${site!.getPosition()}` : null;
}

/** What {@link searchFrames} found: the frames kept, and whether one of them is the user's. */
export interface FoundFrames {
  frames: RawFrame[];
  /** The deepest capture taken, which the frames come from. */
  sites: V8CallSite[];
  /** The files of the deepest stack taken, when no user frame was found in it. */
  filesWithoutUser: string[] | null;
}

/**
 * The frames of the current stack, searched for the user's code: {@link SHALLOW_DEPTH} first
 * (`shallow`, when the caller already took that capture), deeper only when it held no user frame,
 * remembering per innermost position how deep it had to go.
 *
 * @example
 * searchFrames(patchedQuery).frames // [knex's frames…, the user's line, its callers…]
 */
export function searchFrames(skipAbove: (...args: any[]) => unknown, shallow?: V8CallSite[]): FoundFrames {
  let sites = shallow ?? captureCallSites(skipAbove, SHALLOW_DEPTH);
  let frames = keepFrames(sites);
  if (frames.some(isUserFrame)) return { frames, sites, filesWithoutUser: null };
  if (sites.length === SHALLOW_DEPTH) {
    const key = depthKey(sites[0]);
    const learned = key === null ? undefined : depthNeeded.get(key);
    // A call site that needed a deep capture once starts there; deeper still if this stack needs it.
    for (const depth of [CAPTURED_DEPTH, DEEP_DEPTH]) {
      if (learned !== undefined && depth < learned) continue;
      sites = captureCallSites(skipAbove, depth);
      frames = keepFrames(sites);
      if (frames.some(isUserFrame)) {
        if (key !== null && learned !== depth) {
          if (depthNeeded.size > 10_000) depthNeeded.clear();
          depthNeeded.set(key, depth);
        }
        return { frames, sites, filesWithoutUser: null };
      }
      if (sites.length < depth) break;
    }
  }
  return { frames, sites, filesWithoutUser: sites.map((site) => scriptOf(site) ?? '') };
}
