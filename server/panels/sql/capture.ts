import { performance } from 'node:perf_hooks';
import { contextOrBackground } from '../../request/context.js';
import type { LazyFrames } from '../../stack/callsite.js';
import type { CapturedQuery } from '../../request/record.js';
import type { DbInfo, RawFrame, StreamInfo } from '../../types.js';
import { boundParams } from './bounded-params.js';
import { sampledFrames } from './stack-samples.js';
import { acceptsLateWork } from '../../request/after-response.js';

/** What a driver hook reports once the query is over. */
export interface QueryHandle {
  succeed(rowCount: number | null | undefined): void;
  fail(error: unknown): void;
  /** A streamed query's fetches and early close, said before `succeed` or `fail`. */
  streamed(info: StreamInfo): void;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Called by a driver hook synchronously when a query starts. Returns null outside a recorded
 * request (start-up, timers), once the record has settled (`afterResponseMs` after the response),
 * and when the request's query cap is reached (the query is still counted). A query started after
 * the response is marked `afterResponse`; one that completes after it without having started
 * after it, `unawaited`. The hook must call `succeed` or `fail` exactly once; extra calls are ignored.
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
  const context = contextOrBackground(hookFunction);
  if (!context) return null;
  const request = context.request;
  const late = (request.responded === true || request.finished) && context.calledBeforeResponse !== true;
  if (late && !acceptsLateWork(request)) return null;
  request.queryCount += 1;
  if (late) request.afterResponseCount = (request.afterResponseCount ?? 0) + 1;
  if (request.queries.length >= request.maxQueries || (late && request.afterResponseCount! > MAX_AFTER_RESPONSE_QUERIES)) return null;

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
    ...(context.ormCall ? { ormCall: context.ormCall } : {}),
  };
  if (late) {
    query.afterResponse = true;
    request.onLateChange?.();
  }
  const source = frames ?? context.frames
    ?? sampledFrames(request.stackSamples ??= new Map(), context.span?.id, sql, hookFunction);
  // A plain property: a getter per query turned every record into a slow dictionary-mode object.
  query.frames = Array.isArray(source) ? source : source();
  request.queries.push(query);

  let open = true;
  const complete = () => {
    open = false;
    query.durationMs = performance.now() - startTime;
    if (request.responded || request.finished) {
      // The handler responded without waiting for it: a floating promise, or work on purpose.
      if (!query.afterResponse) query.unawaited = true;
      request.onLateChange?.();
    }
  };
  return {
    succeed(rowCount) {
      // Once the record is final it no longer changes, in every store alike.
      if (!open || request.settled) return;
      query.rowCount = typeof rowCount === 'number' ? rowCount : null;
      complete();
    },
    fail(error) {
      if (!open || request.settled) return;
      query.error = errorMessage(error);
      complete();
    },
    streamed(info) {
      if (!open || request.settled) return;
      query.stream = info;
    },
  };
}

/** Queries started after the response that one record keeps; past it they are counted only. */
export const MAX_AFTER_RESPONSE_QUERIES = 200;
