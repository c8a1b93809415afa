import type { DbInfo, RawFrame } from './types.js';

/** A query as captured on the hot path: nothing derived (fingerprint, call site) is computed yet. */
export interface CapturedQuery {
  id: number;
  sql: string;
  params: unknown[];
  startMs: number;
  durationMs: number | null;
  rowCount: number | null;
  error?: string;
  db: DbInfo;
  /** Up to a dozen frames, unmapped; the read path picks the user's frame and maps it. */
  frames: RawFrame[];
}

/** What the store keeps for a finished request: plain JSON, so any store can serialise it. */
export interface StoredRequest {
  id: string;
  method: string;
  url: string;
  status: number;
  startedAt: number;
  durationMs: number;
  contentType: string | null;
  queries: CapturedQuery[];
  /** Every query run, stored or not. */
  queryCount: number;
}

/** A request being served: its record grows as queries run. */
export interface LiveRequest extends StoredRequest {
  /** `performance.now()` at the start, the origin of every `startMs`. */
  startTime: number;
  maxQueries: number;
  /**
   * Set once the response is over: work the request left behind (a timer, a fire-and-forget
   * promise) still runs in its context, but its queries no longer belong to a stored record.
   */
  finished: boolean;
}
