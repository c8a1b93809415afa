import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LiveRequest } from '../request/record.js';

/** Unique across processes, so several workers can share one store. */
const BOOT_ID = randomBytes(4).toString('hex');
let sequence = 0;

/** The next record id: `<boot id>-<sequence in base 36>`. */
export function nextRecordId(): string {
  sequence += 1;
  return `${BOOT_ID}-${sequence.toString(36)}`;
}

/**
 * A new live record, empty, its clock started now: for a request (`method`, `url`) or a unit of
 * work (`kind`, its name as `url`).
 *
 * @example
 * openLiveRecord({ method: 'GET', url: '/posts' }, options.maxQueriesPerRequest)
 */
export function openLiveRecord(what: Pick<LiveRequest, 'method' | 'url' | 'kind'>, maxQueries: number): LiveRequest {
  return {
    id: nextRecordId(),
    ...(what.kind ? { kind: what.kind } : {}),
    method: what.method,
    url: what.url,
    status: 0,
    startedAt: Date.now(),
    durationMs: 0,
    contentType: null,
    queries: [],
    queryCount: 0,
    startTime: performance.now(),
    maxQueries,
    finished: false,
  };
}
