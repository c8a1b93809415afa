import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from '../types.js';
import { learnFromFramesWithoutUser } from './await-frames.js';
import { templateFileOf } from './template-lines.js';
import { TOOLBAR_DIR } from '../toolbar-dir.js';

/**
 * Stack depth captured per query. knex and sequelize put 10 to 15 frames of their own (async ones
 * included) above the user's line; V8's cost grows about linearly with the depth (0.7 µs a frame,
 * bench/callsite-capture.ts), so 40 is the budget of every query...
 */
const CAPTURED_DEPTH = 40;
/** ...and a full capture without a single user frame is taken again this deep: rare, and worth it. */
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

/**
 * The current stack as plain frames, without Node's internals or the toolbar's own frames: the
 * first {@link LIBRARY_FRAMES} dependency frames (they name the ORM) and the first
 * {@link USER_FRAMES} frames of the user's code, however deep the ORM buried them, in stack order.
 * Structured call sites are used because reading `.stack` costs several times more; they are not
 * source-mapped, which {@link toCallSite} does later, on the read path. Async frames (`await`
 * chains, `Promise.all`) are part of V8's structured stack, so a query an ORM starts after its own
 * awaits still finds the user's function that awaited it; a query a thenable builder starts from
 * `then` does not, and teaches await-frames.ts to follow that builder from then on.
 *
 * @example
 * const frames = captureFrames(patchedQuery); // frames of whoever called patchedQuery
 */
export function captureFrames(skipAbove: (...args: any[]) => unknown = captureFrames): RawFrame[] {
  let sites = captureCallSites(skipAbove, CAPTURED_DEPTH);
  let frames = keepFrames(sites);
  if (frames.some(isUserFrame)) return frames;
  if (sites.length === CAPTURED_DEPTH) {
    sites = captureCallSites(skipAbove, DEEP_DEPTH);
    frames = keepFrames(sites);
  }
  if (!frames.some(isUserFrame)) learnFromFramesWithoutUser(sites.map((site) => toPath(site.getFileName() ?? '')));
  return frames;
}

/**
 * Frames captured now and read later: a function that turns the stack into frames on its first
 * call. V8 records the raw stack cheaply at capture time and builds call-site objects only when
 * the stack is read, which is most of the cost; a query's record is read far less often than it
 * is written, so the hot path pays only for the raw capture.
 */
export type LazyFrames = () => RawFrame[];

/**
 * Like {@link captureFrames}, but defers the work to the first call of the returned function.
 * The whole depth a stack can need is captured at once, since a second capture is impossible later
 * (`depth` frames: fewer where the caller is known to be near).
 *
 * @example
 * const frames = captureFramesLazily(patchedQuery); // cheap
 * frames(); // the frames, computed once
 */
export function captureFramesLazily(skipAbove: (...args: any[]) => unknown = captureFramesLazily, depth = DEEP_DEPTH): LazyFrames {
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
    if (!frames.some(isUserFrame)) learnFromFramesWithoutUser(sites.map((site) => toPath(site.getFileName() ?? '')));
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
  const fileName = site?.getFileName();
  if (!fileName) return null;
  const file = toPath(fileName);
  if (!isUserPath(file) || file.startsWith(TOOLBAR_DIR)) return null;
  return `${file}:${site.getLineNumber()}:${site.getColumnNumber()}`;
}

function keepFrames(sites: V8CallSite[]): RawFrame[] {
  const frames: RawFrame[] = [];
  let libraryFrames = 0;
  let userFrames = 0;
  for (const site of sites) {
    // A compiled template's function is eval'd code: its file is the sourceURL the engine gave it.
    const fileName = site.getFileName() ?? (site.isEval() ? templateFileOf(site.getScriptNameOrSourceURL()) : null);
    if (!fileName || fileName.startsWith('node:')) continue;
    const file = toPath(fileName);
    if (file.startsWith(TOOLBAR_DIR)) continue;
    if (isUserPath(file)) {
      userFrames += 1;
    } else {
      // Past the kept dependency frames, only the user's frames are worth the few calls below.
      if (libraryFrames === LIBRARY_FRAMES) continue;
      libraryFrames += 1;
    }
    frames.push({ file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: functionName(site) });
    if (userFrames === USER_FRAMES) break;
  }
  return frames;
}

/** True for a frame in the application's own code: not a dependency, not Node itself. */
export function isUserFrame(frame: RawFrame): boolean {
  return !frame.file.startsWith('node:') && isUserPath(frame.file);
}
