import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from './types.js';

/** Stack depth captured per query: deep enough for an ORM's internals plus a few user frames. */
const CAPTURED_DEPTH = 30;
/** Frames kept per query once internals are dropped. */
const KEPT_FRAMES = 12;

const TOOLBAR_DIR = dirname(fileURLToPath(import.meta.url)) + sep;

type V8CallSite = NodeJS.CallSite;

function toPath(fileName: string): string {
  return fileName.startsWith('file://') ? fileURLToPath(fileName) : fileName;
}

function captureCallSites(skipAbove: (...args: any[]) => unknown): V8CallSite[] {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.stackTraceLimit = CAPTURED_DEPTH;
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

/**
 * The current stack as plain frames, without Node's internals or the toolbar's own frames.
 * Structured call sites are used because reading `.stack` costs several times more; they are not
 * source-mapped, which {@link toCallSite} does later, on the read path.
 *
 * @example
 * const frames = captureFrames(patchedQuery); // frames of whoever called patchedQuery
 */
export function captureFrames(skipAbove: (...args: any[]) => unknown = captureFrames): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const site of captureCallSites(skipAbove)) {
    const fileName = site.getFileName();
    if (!fileName || fileName.startsWith('node:')) continue;
    const file = toPath(fileName);
    if (file.startsWith(TOOLBAR_DIR)) continue;
    frames.push({ file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0, function: functionName(site) });
    if (frames.length === KEPT_FRAMES) break;
  }
  return frames;
}

/** True for a frame in the application's own code: not a dependency, not Node itself. */
export function isUserFrame(frame: RawFrame): boolean {
  return !frame.file.includes(`${sep}node_modules${sep}`) && !frame.file.startsWith('node:') && frame.file.startsWith(sep);
}
