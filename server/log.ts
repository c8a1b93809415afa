import { debuglog } from 'node:util';

/** Details nobody needs unless debugging the toolbar: `NODE_DEBUG=express-debug-toolbar`. */
export const debug = debuglog('express-debug-toolbar');

const warned = new Set<string>();

/**
 * Something the user should know once, that is no failure (the toolbar is off, as configured):
 * `console.info`, once per kind.
 *
 * @example
 * infoOnce('disabled', 'off: NODE_ENV is "production"; pass `enabled: true` to turn it on');
 */
export function infoOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  console.info(`[express-debug-toolbar] ${message}`);
}

/**
 * The toolbar's own failures: one warning per kind, so a broken hook cannot flood the app's log,
 * and never an exception into the app.
 */
export function warnOnce(kind: string, message: string, error?: unknown): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  console.warn(`[express-debug-toolbar] ${message}`, ...(error === undefined ? [] : [error]));
}
