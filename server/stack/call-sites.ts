import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from '../types.js';
import { templateFileOf } from './template-lines.js';
import { TOOLBAR_DIR } from '../toolbar-dir.js';

/*
 * V8's structured call sites, and the frames the toolbar keeps of them. Everything that captures a
 * stack builds on this file; it imports nothing that captures, so no capture path loops back here.
 */

/** Dependency frames kept, innermost first: enough to tell which library issued the query. */
const LIBRARY_FRAMES = 6;
/** User frames kept, wherever they are in the captured depth: the call site and its callers. */
const USER_FRAMES = 6;

const NODE_MODULES = `${sep}node_modules${sep}`;

export type V8CallSite = NodeJS.CallSite;

/**
 * Frames as a query record holds them: a function that returns them. They used to be built from a
 * raw stack on first read; a shallow capture resolved at once (with {@link resolveSite}'s cache)
 * turned out cheaper than a deep raw one, and holds nothing of the app alive.
 */
export type LazyFrames = () => RawFrame[];

const paths = new Map<string, string>();
/** Files a stack named by URL: V8 names ES modules so, CommonJS ones by path. */
const esModuleFiles = new Set<string>();
/**
 * A stack's file name as a path: ES modules name their file by URL, and converting it is costly
 * enough to remember.
 *
 * @example
 * toPath('file:///app/routes/posts.mjs') // '/app/routes/posts.mjs'
 */
export function toPath(fileName: string): string {
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

const keepCallSites = (_error: Error, callSites: V8CallSite[]) => callSites;

/**
 * The `depth` call sites above `skipAbove`. V8 walks every frame between this function and
 * `skipAbove` too (about 0.45 µs each, as much as a kept one), so the hot paths call it as close
 * to the driver hook as they can.
 *
 * @example
 * const [caller] = captureCallSites(patchedQuery, 1);
 */
export function captureCallSites(skipAbove: (...args: any[]) => unknown, depth: number): V8CallSite[] {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = keepCallSites;
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

/** True for a frame in the application's own code: not a dependency, not Node itself. */
export function isUserFrame(frame: RawFrame): boolean {
  return !frame.file.startsWith('node:') && isUserPath(frame.file);
}

/** What one script position resolves to: its frame, or null when it is Node's or the toolbar's. */
const resolved = new Map<string, Map<number, RawFrame | null>>();
let resolvedCount = 0;

/**
 * The script a call site ran: its file, or for eval'd code (a compiled template) its sourceURL.
 *
 * @example
 * scriptOf(site) // 'file:///app/routes/posts.mjs'
 */
export function scriptOf(site: V8CallSite): string | null {
  return site.getFileName() ?? (site.isEval() ? site.getScriptNameOrSourceURL() : null);
}

/**
 * The frame of a call site, or null for Node's internals and the toolbar's own frames. A
 * position in a script is always the same file, line, column and function name, so it is worked
 * out once (it takes several V8 calls and a URL conversion) and shared by every query from there.
 * A frame named after its receiver's type (`Type.method`) is not cached: the type can change.
 *
 * @example
 * resolveSite(captureCallSites(patchedQuery, 1)[0]) // { file: '/app/routes/posts.js', line: 12, … }
 */
export function resolveSite(site: V8CallSite, script = scriptOf(site), position = site.getPosition()): RawFrame | null {
  if (!script) return null;
  let byPosition = resolved.get(script);
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

/** Each resolved frame's `file:line:column` when it is the user's code, else null. */
const userPositions = new WeakMap<RawFrame, string | null>();

/**
 * A frame's `file:line:column` when it is the user's code, else null (a library, or no frame).
 * Worked out once per frame: it runs for every query.
 *
 * @example
 * userPosition(resolveSite(site)) // '/app/routes/posts.js:12:30'
 */
export function userPosition(frame: RawFrame | null): string | null {
  if (frame === null) return null;
  let position = userPositions.get(frame);
  if (position === undefined) {
    position = isUserPath(frame.file) ? `${frame.file}:${frame.line}:${frame.column}` : null;
    userPositions.set(frame, position);
  }
  return position;
}

/**
 * The frames kept of a stack: the first {@link LIBRARY_FRAMES} dependency frames (they name the
 * ORM) and the first {@link USER_FRAMES} frames of the user's code, in stack order. `lastUser`
 * (filled in when given) is the index in `sites` of the last user frame kept, -1 without one.
 *
 * @example
 * keepFrames(captureCallSites(patchedQuery, 12))
 */
export function keepFrames(sites: readonly V8CallSite[], lastUser?: { index: number }): RawFrame[] {
  const frames: RawFrame[] = [];
  let libraryFrames = 0;
  let userFrames = 0;
  if (lastUser) lastUser.index = -1;
  for (let index = 0; index < sites.length; index++) {
    const frame = resolveSite(sites[index]);
    if (frame === null) continue;
    if (isUserPath(frame.file)) {
      userFrames += 1;
      if (lastUser) lastUser.index = index;
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
