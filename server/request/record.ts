import type { DbInfo, HeaderField, OrmCall, RawFrame, SpanKind, StreamInfo } from '../types.js';
import type { LiveTimeline } from '../panels/timeline/spans.js';
import type { StoredError } from './request-error.js';
import type { StackSamples } from '../panels/sql/stack-samples.js';

/**
 * A span as recorded: a middleware, handler, template render, outbound HTTP call or milestone.
 * Queries are not spans here; they carry the id of the span that ran them (`spanId`).
 */
export interface CapturedSpan {
  id: string;
  parentId: string | null;
  kind: SpanKind;
  name: string;
  /** Milliseconds since the request started. */
  startMs: number;
  /** Null while still open. */
  durationMs: number | null;
  detail?: string;
  /** A middleware's or handler's: the user's frame that registered it (`app.get`, `router.use`), unmapped. */
  registeredAt?: RawFrame;
}

/** One template render (or partial/include); its span has the same id. */
export interface CapturedTemplate {
  id: string;
  /** The template that included this one, or null for a view rendered by `res.render`/`app.render`. */
  parentId: string | null;
  name: string;
  engine: string;
  file: string | null;
  startMs: number;
  durationMs: number | null;
  localKeys: string[];
  /** Compiled into its parent (Pug includes): listed, never timed. */
  inlined?: boolean;
  /** Time spent compiling (a first render, or the view cache off): inside `durationMs`, not self time. */
  compileMs?: number;
}

/** A query as captured on the hot path: nothing derived (fingerprint, call site) is computed yet. */
export interface CapturedQuery {
  id: number;
  sql: string;
  params: unknown[];
  startMs: number;
  durationMs: number | null;
  rowCount: number | null;
  /** How a streamed query was read (types.ts StreamInfo). */
  stream?: StreamInfo;
  error?: string;
  db: DbInfo;
  /** Secret params or literals were replaced by `[redacted]` when the request was stored. */
  redacted?: boolean;
  /**
   * On a redacted query: the id of the first query of the request with the same SQL and params
   * as they really ran, so duplicates and N+1s are found from the real values, not `[redacted]`.
   */
  sameRunAs?: number;
  /** Up to a dozen frames, unmapped; the read path picks the user's frame and maps it. */
  frames: RawFrame[];
  /** The span (middleware, handler, render) whose async context ran the query. */
  spanId?: string;
  /** Started in the request's async context after its response had finished. */
  afterResponse?: true;
  /** Started before the response finished and still running when it did: nobody awaited it first. */
  unawaited?: true;
  /** The ORM call that issued it (server/panels/sql/orm-calls/). */
  ormCall?: OrmCall;
}

/**
 * What a record is of, when not an HTTP request: a `recordTask()` (a job, a script), a socket.io
 * event, or queries that ran outside any of them (timers, start-up).
 */
export type UnitKind = 'task' | 'socket' | 'background';

/** What the store keeps for a finished request: plain JSON, so any store can serialise it. */
export interface StoredRequest {
  id: string;
  /** Absent for an HTTP request. `method` is then the kind in capitals and `url` its name. */
  kind?: UnitKind;
  method: string;
  url: string;
  status: number;
  startedAt: number;
  durationMs: number;
  contentType: string | null;
  queries: CapturedQuery[];
  /** Every query run, stored or not, after the response included. */
  queryCount: number;
  /** Of `queryCount`, the queries started after the response finished (absent when none). */
  afterResponseCount?: number;
  /** A 3xx answer's Location header, secrets redacted. */
  location?: string;
  /** The path+query `location` leads to on this host (absent for other hosts): links redirects. */
  locationTarget?: string;
  /**
   * The request whose stored headers a response cache replayed for this one (apicache and the
   * like): this response was served from that cache.
   */
  replayedFrom?: string;
  /** The first error passed to `next(err)`: message and user frames, unmapped. */
  error?: StoredError;
  /** Middleware, handler, render, HTTP and milestone spans, in start order. */
  spans?: CapturedSpan[];
  templates?: CapturedTemplate[];
  /** Secrets redacted; absent on records from an older version (a shared store). */
  requestHeaders?: HeaderField[];
  responseHeaders?: HeaderField[];
  /** The parts of the panels on the contract (server/panels/panel.ts), by panel id: plain JSON, redacted. */
  panels?: Record<string, unknown>;
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
  /**
   * Set when the app called `res.end()` (or the response finished without it): queries started
   * from then on ran after the response, whatever the socket is still doing.
   */
  responded?: boolean;
  /**
   * `performance.now()` until which work started in the request's context after the response is
   * still recorded (the `afterResponseMs` option): then the record is final ({@link settled}).
   */
  lateUntil?: number;
  /** The record is final: nothing more is recorded, not even completions. */
  settled?: boolean;
  /** Called on every change to the record after the response; the middleware stores it again once it settles. */
  onLateChange?: () => void;
  /** The first error passed to `next(err)`, held until the request is stored (boxed: `undefined` can be thrown). */
  capturedError?: { value: unknown };
  /** Spans and templates being recorded; absent when the timeline is not recorded. */
  timeline?: LiveTimeline;
  /** How this request's options redact a URL: outbound calls and mount paths are stored through it. */
  redactUrl?: (url: string) => string;
  /** Stacks captured so far, by span and SQL text (server/panels/sql/stack-samples.ts). */
  stackSamples?: StackSamples;
  /** Each panel's state while the request runs, by panel id (server/panels/lifecycle.ts). */
  panelState?: Record<string, unknown>;
}
