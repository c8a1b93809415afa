import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from '../types.js';
import { learnFromFramesWithoutUser } from './await-frames.js';
import { templateFileOf } from './template-lines.js';
import { TOOLBAR_DIR } from '../toolbar-dir.js';

/**
 * Stack depth captured first, per query: the call site and its nearest callers are almost always
 * in it, and V8's cost grows with the depth it walks (about 0.4 µs a frame, plus the call-site
 * objects built from them), so a shallow capture is most of the saving...
 */
const SHALLOW_DEPTH = 12;
/**
 * ...knex and sequelize put 10 to 15 frames of their own (async ones included) above the user's
 * line: a shallow capture without a single user frame is taken again this deep, and then deeper.
 * How deep each call site needed is remembered, so a deep ORM pays for one capture, not three.
 */
const CAPTURED_DEPTH = 40;
/** ...and a capture this deep without a single user frame is as far as it goes: rare, and worth it. */
const DEEP_DEPTH = 100;
/** Dependency frames kept, innermost first: enough to tell which library issued the query. */
const LIBRARY_FRAMES = 6;
/** User frames kept, wherever they are in the captured depth: the call site and its callers. */
const USER_FRAMES = 6;

const NODE_MODULES = `${sep}node_modules${sep}`;

type V8CallSite = NodeJS.CallSite;

const paths = new Map<string, string>();
/** Files a stack named by URL: V8 names ES modules so, CommonJS ones by path. */
const esModuleFiles = new Set<string>();
/** ES modules name their file by URL; converting it is costly enough to remember. */
function toPath(fileName: string): string {
  if (!fileName.startsWith('file://')) return fileName;
  let path = paths.get(fileName);
  if (path === undefined) {
    if (paths.size > 10_000) paths.clear();
    path = fileURLToPath(fileName);
    paths.set(fileName, path);
    if (esModuleFiles.size < 10_000) esModuleFiles.add(path);
  }
  return path;
}

/**
 * Whether a stack read by the toolbar named `file` by its `file://` URL, as V8 does for the
 * files Node loads as ES modules (module-system.ts).
 *
 * @example
 * loadedAsEsModule('/app/routes/articles.mjs') // true once a query's frames went through it
 */
export function loadedAsEsModule(file: string): boolean {
  return esModuleFiles.has(file);
}

function captureCallSites(skipAbove: (...args: any[]) => unknown, depth: number): V8CallSite[] {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = depth;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, skipAbove);
    return (holder.stack as V8CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

function functionName(site: V8CallSite): string | null {
  const name = site.getFunctionName();
  if (name) return name;
  const method = site.getMethodName();
  const type = site.getTypeName();
  if (method) return type ? `${type}.${method}` : method;
  return null;
}

const isUserPath = (file: string) => !file.includes(NODE_MODULES) && file.startsWith(sep);

/** The depth a call site (its innermost frame's script and position) needed to reach a user frame. */
const depthNeeded = new Map<string, number>();

function depthKey(site: V8CallSite | undefined): string | null {
  const name = site?.getScriptNameOrSourceURL();
  return name ? `${name}:${site!.getPosition()}` : null;
}

/**
 * The current stack as plain frames, without Node's internals or the toolbar's own frames: the
 * first {@link LIBRARY_FRAMES} dependency frames (they name the ORM) and the first
 * {@link USER_FRAMES} frames of the user's code, however deep the ORM buried them, in stack order.
 * Structured call sites are used because reading `.stack` costs several times more; they are not
 * source-mapped, which {@link toCallSite} does later, on the read path. The capture starts
 * shallow ({@link SHALLOW_DEPTH}) and goes deeper only when it found no user frame, remembering
 * per call site how deep it had to go. Async frames (`await` chains, `Promise.all`) are part of
 * V8's structured stack, so a query an ORM starts after its own awaits still finds the user's
 * function that awaited it; a query a thenable builder starts from `then` does not, and teaches
 * await-frames.ts to follow that builder from then on.
 *
 * @example
 * const frames = captureFrames(patchedQuery); // frames of whoever called patchedQuery
 */
export function captureFrames(skipAbove: (...args: any[]) => unknown = captureFrames): RawFrame[] {
  let sites = captureCallSites(skipAbove, SHALLOW_DEPTH);
  let frames = keepFrames(sites);
  if (frames.some(isUserFrame)) return frames;
  if (sites.length === SHALLOW_DEPTH) {
    const key = depthKey(sites[0]);
    const learned = key === null ? undefined : depthNeeded.get(key);
    // A call site that needed a deep capture once starts there; deeper still if this stack needs it.
    for (const depth of [CAPTURED_DEPTH, DEEP_DEPTH].filter((d) => learned === undefined || d >= learned)) {
      sites = captureCallSites(skipAbove, depth);
      frames = keepFrames(sites);
      if (frames.some(isUserFrame)) {
        if (key !== null && learned !== depth) {
          if (depthNeeded.size > 10_000) depthNeeded.clear();
          depthNeeded.set(key, depth);
        }
        return frames;
      }
      if (sites.length < depth) break;
    }
  }
  // No user frame at all: a thenable builder started this query; learn to follow it from now on.
  learnFromFramesWithoutUser(sites.map((site) => toPath(site.getFileName() ?? '')));
  return frames;
}

/**
 * Frames as a query record holds them: a function that returns them. They used to be built from a
 * raw stack on first read; a shallow capture resolved at once (with {@link resolveSite}'s cache)
 * turned out cheaper than a deep raw one, and holds nothing of the app alive.
 */
export type LazyFrames = () => RawFrame[];

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

/**
 * Where in the user's code `skipAbove` was called from, as `file:line:column`, or null when its
 * caller is a library (an ORM) or Node. One frame deep, so a fraction of a full capture's cost:
 * it tells whether a repeated statement still comes from the same line.
 *
 * @example
 * userCallerPosition(patchedGet) // '/app/routes/posts.js:12:30'
 */
export function userCallerPosition(skipAbove: (...args: any[]) => unknown): string | null {
  const [site] = captureCallSites(skipAbove, 1);
  if (!site) return null;
  const frame = resolveSite(site);
  if (frame === null) return null;
  // Worked out once per frame: this runs for every query.
  let position = userPositions.get(frame);
  if (position === undefined) {
    position = isUserPath(frame.file) ? `${frame.file}:${frame.line}:${frame.column}` : null;
    userPositions.set(frame, position);
  }
  return position;
}

/** Each resolved frame's `file:line:column` when it is the user's code, else null. */
const userPositions = new WeakMap<RawFrame, string | null>();

/** What one script position resolves to: its frame, or null when it is Node's or the toolbar's. */
const resolved = new Map<string, Map<number, RawFrame | null>>();
let resolvedCount = 0;

/**
 * The frame of a call site, or null for Node's internals and the toolbar's own frames. A
 * position in a script is always the same file, line, column and function name, so it is worked
 * out once (it takes several V8 calls and a URL conversion) and shared by every query from there.
 * A frame named after its receiver's type (`Type.method`) is not cached: the type can change.
 */
function resolveSite(site: V8CallSite): RawFrame | null {
  // A compiled template's function is eval'd code: its file is the sourceURL the engine gave it.
  const script = site.getFileName() ?? (site.isEval() ? site.getScriptNameOrSourceURL() : null);
  if (!script) return null;
  let byPosition = resolved.get(script);
  const position = site.getPosition();
  const cached = byPosition?.get(position);
  if (cached !== undefined) return cached;
  const frame = buildFrame(site, script);
  if (frame !== null && frame.function === null && site.getMethodName()) return { ...frame, function: functionName(site) };
  if (resolvedCount > 50_000) {
    resolved.clear();
    resolvedCount = 0;
    byPosition = undefined;
  }
  if (!byPosition) resolved.set(script, byPosition = new Map());
  byPosition.set(position, frame);
  resolvedCount += 1;
  return frame;
}

function buildFrame(site: V8CallSite, script: string): RawFrame | null {
  const fileName = site.getFileName() ? script : templateFileOf(script);
  if (!fileName || fileName.startsWith('node:')) return null;
  const file = toPath(fileName);
  if (file.startsWith(TOOLBAR_DIR)) return null;
  const name = site.getFunctionName();
  return { file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: name || null };
}

function keepFrames(sites: V8CallSite[]): RawFrame[] {
  const frames: RawFrame[] = [];
  let libraryFrames = 0;
  let userFrames = 0;
  for (const site of sites) {
    const frame = resolveSite(site);
    if (frame === null) continue;
    if (isUserPath(frame.file)) {
      userFrames += 1;
    } else {
      // Past the kept dependency frames, only the user's frames are worth keeping.
      if (libraryFrames === LIBRARY_FRAMES) continue;
      libraryFrames += 1;
    }
    frames.push(frame);
    if (userFrames === USER_FRAMES) break;
  }
  return frames;
}

/** True for a frame in the application's own code: not a dependency, not Node itself. */
export function isUserFrame(frame: RawFrame): boolean {
  return !frame.file.startsWith('node:') && isUserPath(frame.file);
}
