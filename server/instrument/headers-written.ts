import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';

/** The toolbar's `writeHead` wrapper on one response, and the listeners it runs. */
interface HeaderListeners {
  writeHead: unknown;
  listeners: (() => void)[];
}

const LISTENERS = Symbol('express-debug-toolbar.headers-listeners');
type Listened = ServerResponse & { [LISTENERS]?: HeaderListeners };

/**
 * Calls `listener` (with the response as `this`) when the response's headers are about to be
 * written, exactly as `onHeaders(res, listener)` (on-headers) would, but listeners added one
 * after the other share a single `writeHead` wrapper: each on-headers wrapper copies the
 * `writeHead` arguments again, on every response. They run in the order separate on-headers
 * calls would run them, the last added first; once anything else wrapped `writeHead` in between,
 * the next listener gets a wrapper of its own, outside that one.
 *
 * @example
 * whenHeadersWritten(res, function setOurHeader() { res.setHeader('X-Id', id); });
 */
export function whenHeadersWritten(res: ServerResponse, listener: (this: ServerResponse) => void): void {
  const listened = res as Listened;
  const current = listened[LISTENERS];
  if (current && current.writeHead === res.writeHead) {
    current.listeners.push(listener);
    return;
  }
  const listeners = [listener];
  onHeaders(res, function runToolbarHeaderListeners(this: ServerResponse) {
    for (let i = listeners.length - 1; i >= 0; i--) listeners[i].call(this);
  });
  listened[LISTENERS] = { writeHead: res.writeHead, listeners };
}
