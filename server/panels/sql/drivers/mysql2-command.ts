import type { QueryHandle } from '../capture.js';
import { reportHookError } from '../../../instrument/patch.js';

/*
 * mysql2's emitter mode: `query()`/`execute()` without a callback return the command, which
 * emits 'fields', 'result' (one per row), 'error' and 'end' from the socket; its `.stream()` wraps
 * those events in a Readable (mysql2/lib/commands/query.js). There is no cursor: the server sends
 * every row, and a stream destroyed early still drains them (mysql2 resumes the socket).
 */

/** The row count a 'result' event adds: a write's affectedRows, or one row. */
function rowsOf(result: unknown): number {
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return typeof result === 'object' && result !== null && !Array.isArray(result) && typeof affected === 'number' ? affected : 1;
}

/**
 * Observes a command's events without listening to 'error' (which would swallow the app's
 * unhandled error), and its `.stream()`: the record ends when the command ends, or when the
 * consumer destroys the stream before its last row, marked `closedEarly` with the rows read so far.
 *
 * @example
 * watchCommand(connection.query('SELECT …', [2]), handle)
 */
export function watchCommand(command: any, handle: QueryHandle): void {
  if (!command || typeof command.emit !== 'function') return;
  let rows = 0;
  const emit = command.emit;
  command.emit = function recordEvent(this: unknown, event: string | symbol, ...args: unknown[]) {
    try {
      if (event === 'result') rows += rowsOf(args[0]);
      else if (event === 'error') handle.fail(args[0]);
      else if (event === 'end') handle.succeed(rows);
    } catch (hookError) {
      reportHookError(hookError);
    }
    return emit.call(this, event, ...args);
  };
  const stream = command.stream;
  if (typeof stream !== 'function') return;
  command.stream = function recordStream(this: unknown, ...args: unknown[]) {
    const readable = stream.apply(this, args);
    try {
      watchReadable(readable, handle, () => rows);
    } catch (hookError) {
      reportHookError(hookError);
    }
    return readable;
  };
}

function watchReadable(readable: any, handle: QueryHandle, rows: () => number): void {
  handle.streamed({});
  const destroy = readable?._destroy;
  if (typeof destroy !== 'function') return;
  // Called from destroy(), synchronously: the consumer stopped reading (a `break` out of
  // `for await`) here, while its 'close' comes a tick later, often after the response.
  readable._destroy = function recordDestroy(this: unknown, error: unknown, ...rest: unknown[]) {
    try {
      // A query error reached the handle first (its 'error' event destroys the stream); a
      // consumer's `break` destroys it with an AbortError, which is no failure of the query.
      if (!readable.readableEnded) {
        handle.streamed({ closedEarly: true });
        handle.succeed(rows());
      }
    } catch (hookError) {
      reportHookError(hookError);
    }
    return destroy.call(this, error, ...rest);
  };
}
