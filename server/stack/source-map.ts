import { findSourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CallSite, RawFrame } from '../types.js';
import { isUserFrame } from './callsite.js';
import { mapThroughRunner } from './runner-source-maps.js';
import { warnOnce } from '../log.js';
import { templateSite } from './template-lines.js';

function originalPath(source: string, generatedFile: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  if (isAbsolute(source)) return source;
  return resolve(dirname(generatedFile), source);
}

function lookUpMap(file: string) {
  // Node files maps of ES modules under their URL and CommonJS ones under their path.
  return findSourceMap(file) ?? findSourceMap(pathToFileURL(file).href);
}

/** Files a runner compiles from TypeScript: their V8 positions are the compiled JavaScript's. */
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

function mapThroughNode(frame: RawFrame): CallSite | null {
  const map = lookUpMap(frame.file);
  if (!map) return null;
  const entry = map.findEntry(frame.line - 1, frame.column - 1) as {
    originalSource?: string; originalLine?: number; originalColumn?: number; name?: string;
  };
  if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) return null;
  return {
    file: originalPath(entry.originalSource, frame.file),
    line: entry.originalLine + 1,
    column: (entry.originalColumn ?? 0) + 1,
    function: frame.function,
  };
}

/** Node 22.6+ runs `.ts` files by erasing their types in place: their lines are the source's. */
const nodeStripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

/**
 * A frame as the user wrote it: mapped through the loaded module's source map when Node has one
 * (tsx, `--enable-source-maps`, `process.setSourceMapsEnabled(true)`), else through the runner's
 * own maps (ts-node without `--enable-source-maps`), unchanged otherwise. A TypeScript file that
 * neither can map keeps the compiled position, and the log says once how to get the real one.
 *
 * @example
 * mapFrame({ file: '/app/users.ts', line: 48, column: 17, function: 'load' }) // { …, line: 31 } under ts-node
 */
export function mapFrame(frame: RawFrame): CallSite {
  // A compiled template's frame: the template's own line (its function is the engine's, unnamed).
  const inTemplate = templateSite(frame.file, frame.line, frame.column);
  if (inTemplate) {
    return inTemplate.line === null
      ? { file: inTemplate.file, line: 0, column: 0, function: null, lineUnknown: true }
      : { file: inTemplate.file, line: inTemplate.line, column: 1, function: null };
  }
  try {
    const mapped = mapThroughNode(frame);
    if (mapped) return mapped;
    const runner = mapThroughRunner(frame.file, frame.line, frame.column);
    if (runner) return { ...runner, function: frame.function };
  } catch {
    // A malformed or missing map leaves the generated position, which is still useful.
  }
  if (TYPESCRIPT_FILE.test(frame.file) && !nodeStripsTypes) {
    warnOnce('source-maps', `no source map for ${frame.file}: call sites in TypeScript files show the lines of `
      + 'the JavaScript your runner compiled, which may not be yours (marked "not source-mapped"). Run Node with '
      + '--enable-source-maps (NODE_OPTIONS=--enable-source-maps) to see your own lines.');
    return { ...frame, unmapped: true };
  }
  return { ...frame };
}

/** The first frame in the user's own code, source-mapped; null when the stack had none. */
export function toCallSite(frames: readonly RawFrame[]): CallSite | null {
  const frame = frames.find(isUserFrame);
  return frame ? mapFrame(frame) : null;
}
