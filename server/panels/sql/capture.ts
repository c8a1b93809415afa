import { performance } from 'node:perf_hooks';
import { currentContext } from '../../context.js';
import type { LazyFrames } from '../../callsite.js';
import type { CapturedQuery } from '../../record.js';
import type { DbInfo, RawFrame } from '../../types.js';
import { boundParams } from './bounded-params.js';
import { sampledFrames } from './stack-samples.js';

/** What a driver hook reports once the query is over. */
export interface QueryHandle {
  succeed(rowCount: number | null | undefined): void;
  fail(error: unknown): void;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Called by a driver hook synchronously when a query starts. Returns null outside a recorded
 * request (start-up, timers) and when the request's query cap is reached (the query is still
 * counted). The hook must call `succeed` or `fail` exactly once; extra calls are ignored.
 *
 * @example
 * const handle = startQuery(text, values, { dialect: 'postgres', driver: 'pg' }, patchedQuery);
 * promise.then((r) => handle?.succeed(r.rowCount), (e) => handle?.fail(e));
 */
export function startQuery(
  sql: string,
  params: unknown,
  db: DbInfo,
  hookFunction: (...args: any[]) => unknown,
  frames?: RawFrame[] | LazyFrames,
): QueryHandle | null {
  const context = currentContext();
  if (!context || context.request.finished) return null;
  const request = context.request;
  request.queryCount += 1;
  if (request.queries.length >= request.maxQueries) return null;

  const startTime = performance.now();
  const query: CapturedQuery = {
    id: request.queryCount,
    sql,
    params: boundParams(params),
    startMs: startTime - request.startTime,
    durationMs: null,
    rowCount: null,
    db,
    frames: [],
    spanId: context.span?.id,
  };
  const source = frames ?? context.frames
    ?? sampledFrames(request.stackSamples ??= new Map(), context.span?.id, sql, hookFunction);
  if (Array.isArray(source)) query.frames = source;
  // Read (and serialised) like a plain array; built from the raw stack only when someone looks.
  else Object.defineProperty(query, 'frames', { get: source, enumerable: true, configurable: true });
  request.queries.push(query);

  let open = true;
  return {
    succeed(rowCount) {
      // A stored record is the snapshot of when the response ended, in every store alike.
      if (!open || request.finished) return;
      open = false;
      query.durationMs = performance.now() - startTime;
      query.rowCount = typeof rowCount === 'number' ? rowCount : null;
    },
    fail(error) {
      if (!open || request.finished) return;
      open = false;
      query.durationMs = performance.now() - startTime;
      query.error = errorMessage(error);
    },
  };
}
