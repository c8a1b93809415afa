import { format } from 'node:util';
import { asLoggerWrite, recordLog, withoutColours, writingForLogger } from './entries.js';
import type { LogLevel } from './types.js';

const METHODS: readonly [keyof Console & string, LogLevel][] = [
  ['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'debug'], ['trace', 'trace'],
];

/** The toolbar's own lines (log.ts) are about the toolbar, not the request. */
const OWN_PREFIX = '[express-debug-toolbar]';

const PATCHED = Symbol('express-debug-toolbar.console');
/** Each console method as it was before the patch → the patched one, for loggers that kept a reference. */
const patchedFor = new WeakMap<object, (...args: unknown[]) => void>();

/** The recording version of a console method a library kept a reference to before the patch, if it is one. */
export function recordingConsoleMethod(method: unknown): ((...args: unknown[]) => void) | undefined {
  return typeof method === 'function' ? patchedFor.get(method) : undefined;
}

/**
 * Records `console.log/info/warn/error/debug/trace` calls made while a request is recorded. The
 * original method always runs, first in line; outside a request the cost is one context lookup.
 * Each method is checked on every call of this (once per toolbar created): a method the app or a
 * library replaced since is wrapped again, one already ours is left alone.
 */
export function instrumentConsole(target: Console = console): void {
  for (const [method, level] of METHODS) {
    const original = target[method] as ((...args: unknown[]) => void) & { [PATCHED]?: true };
    if (typeof original !== 'function' || original[PATCHED]) continue;
    const patchedMethod = {
      [method](this: unknown, ...args: unknown[]): void {
        if (!writingForLogger() && !(typeof args[0] === 'string' && args[0].startsWith(OWN_PREFIX))) {
          recordLog(() => ({ level, message: safeFormat(args), source: 'console' }), patchedMethod);
        }
        // console.trace prints through console.error: one line, not a trace and an error.
        return level === 'trace' ? asLoggerWrite(() => original.apply(this, args)) : original.apply(this, args);
      },
    }[method]! as typeof original;
    patchedMethod[PATCHED] = true;
    patchedFor.set(original, patchedMethod);
    (target as unknown as Record<string, unknown>)[method] = patchedMethod;
  }
}


function safeFormat(args: unknown[]): string {
  try {
    return withoutColours(format(...args));
  } catch {
    return '[a message the toolbar could not format]';
  }
}
