import { performance } from 'node:perf_hooks';
import type { CapturedQuery, LiveRequest, StoredRequest } from './record.js';

/**
 * The queries of a record as stored when the response ends: completed queries never change
 * again, so they are shared; one still running is copied, so a store that keeps objects (the
 * memory ring buffer) reads the same as one that serialises them (Redis) until the record settles.
 */
export function snapshotQueries(queries: readonly CapturedQuery[]): CapturedQuery[] {
  return queries.map((query) => (query.durationMs === null ? { ...query } : query));
}

/** What settling needs from the middleware. */
export interface SettleHooks {
  /** `afterResponseMs`. */
  graceMs: number;
  /** Stores the final version of the record. */
  replace(record: StoredRequest): void;
}

/**
 * Keeps recording a request after its response for `graceMs` (work started in its async context,
 * completions of queries it left running), then stores the final record once, if anything changed.
 * Nothing is scheduled for a request that leaves no work behind.
 *
 * @example
 * settleAfterResponse(live, record, { graceMs: 3000, replace: (r) => store.update?.(r) });
 */
export function settleAfterResponse(live: LiveRequest, record: StoredRequest, hooks: SettleHooks): void {
  if (hooks.graceMs <= 0) {
    live.settled = true;
    return;
  }
  live.lateUntil = performance.now() + hooks.graceMs;
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    live.settled = true;
    live.onLateChange = undefined;
    for (const query of live.queries) {
      // Still running when the record became final: nobody awaited it before the response.
      if (!query.afterResponse && query.durationMs === null) query.unawaited = true;
    }
    hooks.replace({
      ...record,
      queries: live.queries.slice(),
      queryCount: live.queryCount,
      ...(live.afterResponseCount ? { afterResponseCount: live.afterResponseCount } : {}),
    });
  };
  live.onLateChange = () => {
    if (timer) return;
    // Unref'd: a record settling must not keep a process that is shutting down alive.
    timer = setTimeout(settle, Math.max(0, (live.lateUntil ?? 0) - performance.now()));
    timer.unref();
  };
  if (live.queries.some((query) => query.durationMs === null)) live.onLateChange();
}

/**
 * Whether work started now, after the response, still belongs to the request's record: until
 * `afterResponseMs` after the response, and never once the record has settled.
 *
 * @example
 * if ((live.responded || live.finished) && !acceptsLateWork(live)) return; // too late: not recorded
 */
export function acceptsLateWork(request: LiveRequest): boolean {
  if (request.settled) return false;
  // Between res.end() and 'finish' the grace period has not started yet.
  return request.lateUntil === undefined || performance.now() <= request.lateUntil;
}
