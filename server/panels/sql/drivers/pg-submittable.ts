import { AsyncResource } from 'node:async_hooks';
import type { QueryHandle } from '../capture.js';
import { reportHookError } from '../../../instrument/patch.js';

/*
 * Submittables: objects with `submit(connection)` passed to `client.query`, which pg drives by
 * calling their `handle*` methods as the protocol's messages arrive (pg/lib/client.js). pg's own
 * Query, and pg-cursor's Cursor, whose rows come in batches, each an Execute of a named portal
 * that ends with PortalSuspended (more to come) or CommandComplete (the last). pg-query-stream's
 * QueryStream is a Readable around a Cursor: its text and values are on `.cursor`, and its
 * `handle*` are own properties bound to that cursor.
 */

/** The SQL and values of a submittable: on itself (Query, Cursor) or on its cursor (QueryStream). */
export function submittableQuery(submittable: any): { text: unknown; values: unknown } {
  return {
    text: submittable.text ?? submittable.cursor?.text,
    values: submittable.values ?? submittable.cursor?.values,
  };
}

/**
 * A submittable's events ('row', 'end', 'error', a stream's 'data') are emitted from the socket,
 * in the context of whoever opened the connection: a listener that runs a query would file it
 * under that request. Emit them in the caller's context instead.
 */
export function emitInCallerContext(submittable: any): void {
  if (typeof submittable.emit !== 'function') return;
  submittable.emit = AsyncResource.bind(submittable.emit);
}

function rowCountOf(result: unknown): number | null {
  const count = (result as { rowCount?: unknown } | null)?.rowCount;
  return typeof count === 'number' ? count : null;
}

/** Calls `before` ahead of the submittable's own `name` handler, on this instance only. */
function before(target: any, name: string, run: (...args: any[]) => void): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  target[name] = function observed(this: unknown, ...args: unknown[]) {
    try {
      run(...args);
    } catch (hookError) {
      reportHookError(hookError);
    }
    return original.apply(this, args);
  };
}

/** The cursor under a submittable, when it reads in batches (pg-cursor, or pg-query-stream's). */
function cursorOf(submittable: any): any {
  const cursor = submittable.cursor ?? submittable;
  return typeof cursor.read === 'function' && typeof cursor.close === 'function' && typeof submittable.handlePortalSuspended === 'function'
    ? cursor
    : null;
}

/**
 * Counts a cursor's rows and fetches, and ends the record at ReadyForQuery after the last batch,
 * or when the consumer closes the cursor before it (pg-query-stream's destroy does): the stream's
 * own 'end' never comes when the consumer stops early, and the cursor's result counts only the
 * last batch.
 */
function watchCursor(submittable: any, cursor: any, handle: QueryHandle): void {
  let rows = 0;
  let fetches = 0;
  let closedEarly = false;
  const info = () => (closedEarly ? { fetches, closedEarly: true as const } : { fetches });
  before(submittable, 'handleDataRow', () => { rows += 1; });
  before(submittable, 'handlePortalSuspended', () => { fetches += 1; });
  before(submittable, 'handleCommandComplete', () => { fetches += 1; });
  before(cursor, 'close', () => {
    // Closed with rows still to come ('done' once the last batch completed, 'error' after a
    // failure): the stream ends for the consumer now, though the portal closes a round trip later,
    // often after the handler has released the client and responded.
    if (cursor.state === 'done' || cursor.state === 'error') return;
    closedEarly = true;
    handle.streamed(info());
    handle.succeed(rows);
  });
  before(submittable, 'handleError', (error: unknown) => {
    handle.streamed(info());
    handle.fail(error);
  });
  before(submittable, 'handleReadyForQuery', () => {
    handle.streamed(info());
    handle.succeed(rows);
  });
}

/**
 * Ends a submittable's record when the database is done with it. 'error' is emitted only when
 * nobody passed a callback, and listening to it would swallow the application's unhandled error:
 * handleError, which every submittable implements, is wrapped instead.
 *
 * @example
 * watchSubmittable(new QueryStream('SELECT …', [3]), handle) // rows, fetches, early close
 */
export function watchSubmittable(submittable: any, handle: QueryHandle): void {
  const cursor = cursorOf(submittable);
  if (cursor) {
    watchCursor(submittable, cursor, handle);
    return;
  }
  before(submittable, 'handleError', (error: unknown) => handle.fail(error));
  if (typeof submittable.once === 'function') {
    submittable.once('end', (result: unknown) => handle.succeed(rowCountOf(result)));
  }
}
