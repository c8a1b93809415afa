import { AsyncResource } from 'node:async_hooks';
import type { QueryHandle } from '../capture.js';
import { reportHookError } from '../../../instrument/patch.js';

/*
 * node-sqlite3's callbacks, recorded: each query's callback (or the one added when the application
 * gave none) closes its record with the rows it reports, pinned to the caller's request since
 * SQLite calls back from its thread pool; and the queries queued on a statement SQLite may fail
 * to prepare, closed when it does.
 */

type Callback = (this: any, ...args: any[]) => unknown;
type RowCounter = (self: any, args: any[]) => number | null;

/** Queries queued on a statement that SQLite may fail to prepare: the queued calls are then dropped silently. */
const pending = new WeakMap<object, Set<QueryHandle>>();

/** Remembers a query queued on `statement`, until its callback or the statement's failure closes it. */
export function addPending(statement: object, handle: QueryHandle): void {
  let handles = pending.get(statement);
  if (!handles) pending.set(statement, (handles = new Set()));
  handles.add(handle);
}

/** Whether queries queued on `statement` are still open. */
export const hasPending = (statement: object): boolean => !!pending.get(statement)?.size;

/** Closes the queries queued on a statement SQLite could not prepare, with its error. */
export function failPending(statement: object, error: unknown): void {
  const handles = pending.get(statement);
  if (!handles) return;
  for (const handle of handles) handle.fail(error);
  handles.clear();
}

const ROW_COUNTERS: Record<string, RowCounter> = {
  run: (self) => (typeof self?.changes === 'number' ? self.changes : null),
  get: (_self, args) => (args[1] === undefined ? 0 : 1),
  all: (_self, args) => (Array.isArray(args[1]) ? args[1].length : null),
  map: (_self, args) => (args[1] && typeof args[1] === 'object' ? Object.keys(args[1]).length : null),
  each: (_self, args) => (typeof args[1] === 'number' ? args[1] : null),
  exec: () => null,
};

/** `callback`, run in the caller's async context: SQLite calls back from its thread pool. */
export function bindToCaller<T extends Callback>(callback: T): T {
  return AsyncResource.bind(callback) as T;
}

function settle(handle: QueryHandle, callback: Callback | null, count: RowCounter, statement?: object): Callback {
  return function recordThenCall(this: any, ...args: any[]) {
    try {
      if (args[0]) handle.fail(args[0]);
      else handle.succeed(count(this, args));
      if (statement) pending.get(statement)?.delete(handle);
    } catch (hookError) {
      reportHookError(hookError);
    }
    // No callback of the application's: do what the driver does without one.
    if (!callback) return args[0] ? this?.emit?.('error', args[0]) : undefined;
    return callback.apply(this, args);
  };
}

/**
 * Replaces the callbacks in `args` (the last function; for each(), the row callback and the
 * completion) by recording ones pinned to the caller's context. When the application gave none,
 * adds one that emits 'error' on the driver's object, as the driver itself would.
 */
export function instrumentCallbacks(method: string, args: any[], handle: QueryHandle, statement?: object): void {
  const count = ROW_COUNTERS[method];
  const last = args.length - 1;
  if (method !== 'each') {
    if (typeof args[last] === 'function') args[last] = settle(handle, bindToCaller(args[last]), count, statement);
    else args.push(settle(handle, null, count, statement));
    return;
  }
  const hasCompletion = last >= 1 && typeof args[last] === 'function' && typeof args[last - 1] === 'function';
  const rowIndex = hasCompletion ? last - 1 : typeof args[last] === 'function' ? last : -1;
  const onRow: Callback | null = rowIndex >= 0 ? bindToCaller(args[rowIndex]) : null;
  let rows = 0;
  const recordRow = function recordRow(this: any, ...rowArgs: any[]) {
    if (rowArgs[0]) handle.fail(rowArgs[0]);
    else rows += 1;
    if (!onRow) return rowArgs[0] ? this?.emit?.('error', rowArgs[0]) : undefined;
    return onRow.apply(this, rowArgs);
  };
  const onComplete: Callback | null = hasCompletion ? bindToCaller(args[last]) : null;
  const recordCompletion = function recordCompletion(this: any, ...doneArgs: any[]) {
    if (doneArgs[0]) handle.fail(doneArgs[0]);
    else handle.succeed(typeof doneArgs[1] === 'number' ? doneArgs[1] : rows);
    if (statement) pending.get(statement)?.delete(handle);
    if (onComplete) return onComplete.apply(this, doneArgs);
    // Added by us: Database#each reports a failed prepare to the last function, which was the
    // application's row callback before we appended this one.
    if (doneArgs[0] && onRow) return onRow(doneArgs[0]);
    return undefined;
  };
  if (rowIndex >= 0) args[rowIndex] = recordRow;
  else args.push(recordRow);
  if (hasCompletion) args[last] = recordCompletion;
  else args.push(recordCompletion);
}

/** The params of a call: the values given, or the one array or object that holds them. */
export function paramsOf(args: unknown[]): unknown[] | undefined {
  const values = args.filter((arg) => typeof arg !== 'function');
  if (values.length === 0) return undefined;
  if (values.length === 1 && values[0] !== null && typeof values[0] === 'object' && !Buffer.isBuffer(values[0])) {
    return values[0] as unknown[];
  }
  return values;
}
