import { findSourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CallSite, RawFrame } from './types.js';
import { isUserFrame } from './callsite.js';

function originalPath(source: string, generatedFile: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  if (isAbsolute(source)) return source;
  return resolve(dirname(generatedFile), source);
}

function lookUpMap(file: string) {
  // Node files maps of ES modules under their URL and CommonJS ones under their path.
  return findSourceMap(file) ?? findSourceMap(pathToFileURL(file).href);
}

/**
 * A frame as the user wrote it: mapped through the loaded module's source map when Node has one
 * (tsx, `--enable-source-maps`, `process.setSourceMapsEnabled(true)`), unchanged otherwise.
 */
export function mapFrame(frame: RawFrame): CallSite {
  try {
    const map = lookUpMap(frame.file);
    if (map) {
      const entry = map.findEntry(frame.line - 1, frame.column - 1) as {
        originalSource?: string; originalLine?: number; originalColumn?: number; name?: string;
      };
      if (entry && entry.originalSource !== undefined && entry.originalLine !== undefined) {
        return {
          file: originalPath(entry.originalSource, frame.file),
          line: entry.originalLine + 1,
          column: (entry.originalColumn ?? 0) + 1,
          function: frame.function,
        };
      }
    }
  } catch {
    // A malformed or missing map leaves the generated position, which is still useful.
  }
  return { ...frame };
}

/** The first frame in the user's own code, source-mapped; null when the stack had none. */
export function toCallSite(frames: readonly RawFrame[]): CallSite | null {
  const frame = frames.find(isUserFrame);
  return frame ? mapFrame(frame) : null;
}
