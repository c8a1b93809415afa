import { fileURLToPath } from 'node:url';
import type { LiveRequest } from './record.js';
import type { RawFrame, RequestError } from '../types.js';
import { isUserFrame } from '../stack/callsite.js';
import { mapFrame } from '../stack/source-map.js';
import { stacksAreSourceMapped } from '../stack/runner-source-maps.js';
import { TOOLBAR_DIR } from '../toolbar-dir.js';

/*
 * The error a request failed with: the first one passed to `next(err)` (a handler's sync throw
 * and, on Express 5, an async handler's rejection reach `next(err)` too), seen by the Layer patch
 * in panels/timeline/express-layers.ts. The error object is held while the request runs and turned
 * into plain frames when it is stored, by parsing `error.stack` as the app itself would print it:
 * reading structured call sites would replace the error's `stack` string the app's own handler reads.
 */

/** What the store keeps: plain JSON, frames as the stack printed them. */
export interface StoredError {
  message: string;
  frames: RawFrame[];
  /** The stack was printed source-mapped (tsx, ts-node, `--enable-source-maps`): its frames are final. */
  sourceMapped?: true;
}

/** User frames kept: the throw and its callers. */
export const ERROR_FRAMES = 10;
const MAX_MESSAGE = 2000;

/** Remembers the first error passed to `next()` while `request` runs; `'route'`/`'router'` are not errors. */
export function noteRequestError(request: LiveRequest, value: unknown): void {
  if (request.finished || request.capturedError !== undefined) return;
  if (value === undefined || value === null || value === false || value === 'route' || value === 'router') return;
  request.capturedError = { value };
}

// `    at fn (file:1:2)`, `    at file:1:2`, `    at async fn (file:1:2)`, `    at new Foo (file:1:2)`.
const FRAME_LINE = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/**
 * Frames of a formatted V8 stack, in the order printed (innermost first).
 *
 * @example
 * parseStack('Error: x\n    at load (/app/users.js:3:9)')
 * // [{ file: '/app/users.js', line: 3, column: 9, function: 'load' }]
 */
export function parseStack(stack: string): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const line of stack.split('\n')) {
    const match = FRAME_LINE.exec(line);
    if (!match) continue;
    let file = match[2];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    const fn = match[1]?.replace(/^async /, '') ?? null;
    frames.push({ file, line: Number(match[3]), column: Number(match[4]), function: fn || null });
  }
  return frames;
}

/** The held error as plain data, user frames only, never throwing (a `stack` getter may). */
export function freezeError(value: unknown): StoredError {
  let message: string;
  let stack = '';
  try {
    if (value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)) {
      const error = value as { message?: unknown; stack?: unknown; name?: unknown };
      message = String(error.message);
      if (typeof error.stack === 'string') stack = error.stack;
    } else {
      message = String(value);
    }
  } catch {
    message = 'an error whose message could not be read';
  }
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  const frames = parseStack(stack)
    .filter((frame) => isUserFrame(frame) && !frame.file.startsWith(TOOLBAR_DIR))
    .slice(0, ERROR_FRAMES);
  return stacksAreSourceMapped() ? { message, frames, sourceMapped: true } : { message, frames };
}

/** The error as the API serves it, source-mapped once: a stack printed mapped is not mapped again. */
export function toRequestError(stored: StoredError): RequestError {
  return { message: stored.message, stack: stored.sourceMapped ? stored.frames.map((frame) => ({ ...frame })) : stored.frames.map(mapFrame) };
}
