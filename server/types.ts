import type { SqlDetail } from './panels/sql/api-types.js';

/**
 * The data the toolbar records and its JSON API serves. The UI imports these types too, so the
 * API and the panel cannot drift apart.
 */

/** The SQL dialect of a query's database, which decides quoting, EXPLAIN syntax and fixes. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/** Which database a query ran against. */
export interface DbInfo {
  dialect: Dialect;
  /** The driver that ran it: `pg`, `pglite`, `mysql2`, `better-sqlite3`, `sqlite3`. */
  driver: string;
  /** Database name (or SQLite file) when the driver knows it. */
  database?: string;
  /**
   * Names the connection settings the query ran with, so EXPLAIN can open a connection of its own
   * to the same database (see server/panels/sql/explain/targets.ts). Absent: no EXPLAIN.
   */
  explainKey?: string;
}

/** A position in source code: the user's own code, mapped back to TypeScript when maps exist. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
  function: string | null;
  /**
   * A TypeScript file for which no source map was found: `line` and `column` are where V8 ran
   * it, the JavaScript a runner compiled, which may not be the lines of the file as written.
   */
  unmapped?: true;
  /**
   * A frame of a compiled template whose engine does not say which template line ran it (a
   * Handlebars or Nunjucks filter's call): `file` is the template's, `line` is 0 and means nothing.
   */
  lineUnknown?: true;
}

/** One stack frame as captured, before source mapping. `file` is a path (never a file:// URL). */
export interface RawFrame {
  file: string;
  line: number;
  column: number;
  function: string | null;
}

/** A query as the API serves it. */
export interface QueryRecord {
  /** 1-based position of the query in its request. */
  id: number;
  sql: string;
  /** Bound parameters, bounded: long strings and buffers are truncated. */
  params: unknown[];
  /** Milliseconds since the request started. */
  startMs: number;
  /** Null when the query was still running when the record became final. */
  durationMs: number | null;
  /** Started in the request's async context after its response had finished (the `afterResponseMs` option). */
  afterResponse?: true;
  /** Still running when the response finished: the handler responded without awaiting it. */
  unawaited?: true;
  /** Rows the database sent: a streamed query's counts every batch fetched. */
  rowCount: number | null;
  /** Set on a query read as a stream or through a cursor (pg-query-stream, pg-cursor, mysql2 `.stream()`). */
  stream?: StreamInfo;
  error?: string;
  db: DbInfo;
  /**
   * Some of its params or literals were bound to secret columns (the `redactNames` option) and are
   * stored as `[redacted]`: EXPLAIN ANALYZE is refused, since it would run with those values.
   */
  redacted?: boolean;
  /**
   * Set on a redacted query: the id of the first query of the request with the same SQL and
   * params as they really ran (the values are hidden, but whether two runs were the same is kept).
   */
  sameRunAs?: number;
  /** A stable id of the query's shape: the same statement with other literals has the same one. */
  fingerprint: string;
  /** The first frame in the user's own code, or null when none was on the stack. */
  callSite: CallSite | null;
  /** The ORM call that issued it, when the app passed its ORM object in `instrument`. */
  ormCall?: OrmCall;
}

/**
 * How a streamed query was read. Its duration runs until the stream ended or was closed, so it
 * includes the time the application spent between fetches.
 */
export interface StreamInfo {
  /** Batches fetched from a cursor (PostgreSQL portal executions); absent when the driver reads one result set (mysql2). */
  fetches?: number;
  /** The consumer closed or destroyed the stream before its last row: `rowCount` counts what was read until then. */
  closedEarly?: true;
}

/**
 * An ORM call as the toolbar saw it, with the ORM object passed in `instrument` (`{ prisma }`,
 * `{ typeorm }`, `{ drizzle }`): every query one call issues (a nested write, the second query of
 * an include, a save's cascades) carries the same `id`, unique within the request.
 */
export interface OrmCall {
  id: number;
  orm: 'prisma' | 'typeorm' | 'drizzle';
  /** The model as the ORM names it: Prisma's `Article`, TypeORM's entity `Article`, drizzle's table `articles`. */
  model?: string;
  /** `findMany`, `findUnique`, TypeORM's `find`/`getMany`, drizzle's `findMany` (relational queries) or `select`. */
  method?: string;
  /** The relations it loads with its rows (Prisma `include`, TypeORM `relations`/joins, drizzle `with`), top level. */
  loads?: string[];
}

/** The SQL panel's findings and its part of the detail: server/panels/sql/api-types.ts. */
export type * from './panels/sql/api-types.js';

/** `milestone`: a moment, not a duration (headers sent, response finished); its `durationMs` is 0. */
export type SpanKind = 'request' | 'middleware' | 'handler' | 'query' | 'render' | 'http' | 'milestone';

/**
 * One bar of the request's waterfall. Times are milliseconds since the request started; a child
 * lies within its parent. Spans come ordered by start.
 */
export interface TimelineSpan {
  id: string;
  parentId: string | null;
  kind: SpanKind;
  name: string;
  startMs: number;
  durationMs: number;
  detail?: string;
  /**
   * A middleware's or handler's: the line of the app that registered it (`app.get`, `router.use`),
   * which tells apart handlers that all carry a wrapper's name (`asyncHandler`) and routers that
   * all read `router`. Absent when it was registered before the toolbar was imported.
   */
  registeredAt?: CallSite;
}

/** A view rendered by `res.render`/`app.render`, or one of its partials/includes (`parentId`). */
export interface TemplateRender {
  id: string;
  parentId: string | null;
  name: string;
  engine: string;
  file: string | null;
  durationMs: number;
  /** Queries run while it rendered, its includes' included. */
  queryIds: number[];
  /** The names of the locals passed, never their values. */
  localKeys: string[];
  /** Compiled into its parent (Pug includes): listed but never timed, `durationMs` is 0. */
  inlined?: boolean;
  /**
   * Time this render spent compiling rather than rendering: on the first render after start-up,
   * or every render with the view cache off (Express' default outside production). Part of
   * `durationMs`, never of the self time. Absent when nothing was compiled.
   */
  compileMs?: number;
}

/** Why a request failed: an error passed to `next(err)` or thrown by a handler. */
export interface RequestError {
  message: string;
  /** The error's frames in the user's code, source-mapped, innermost first. */
  stack: CallSite[];
}

/** One line of `GET {mountPath}/api/requests`. */
export interface RequestSummary {
  id: string;
  /**
   * Absent for an HTTP request; `task` (recordTask), `socket` (a socket.io event) or `background`
   * (queries outside all of them, `?kind=background`). `method` is then the kind in capitals and
   * `url` the task's name, the event's name or the user's line that ran the queries.
   */
  kind?: 'task' | 'socket' | 'background';
  method: string;
  url: string;
  status: number;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  contentType: string | null;
  /*
   * The SQL panel's fields of the line (its `summary`): the History's columns and the launcher's
   * count of the page's fetches read them.
   */
  /** Queries run before the response finished: what the badge, budget and Server-Timing count. */
  queryCount: number;
  /** Queries started after the response (absent when none): listed, flagged `afterResponse`, not in `queryCount`. */
  afterResponseCount?: number;
  duplicateCount: number;
  nPlusOneCount: number;
  /** More queries than the `queryBudget` option allows. */
  overBudget?: boolean;
  /** A 3xx answer's Location header. */
  location?: string;
  /** The id of the recorded redirect that led here, when one did. */
  redirectedFrom?: string;
  /**
   * The request whose stored headers a response cache (apicache and the like) replayed for this
   * one: the answer came from that cache, so the queries that built it ran for that request.
   */
  replayedFrom?: string;
  error?: RequestError;
}

/**
 * One HTTP header as sent or received, in order. Cookie, Authorization, Proxy-Authorization,
 * Set-Cookie and headers named like secrets (X-Api-Key, X-Auth-Token…) hold `[redacted]` values.
 */
export interface HeaderField {
  name: string;
  value: string;
}

/** `detail.panels.timeline`: the waterfall, the request span first, queries under the span that ran them. */
export interface TimelineDetail {
  spans: TimelineSpan[];
}

/** `detail.panels.templates`: every template rendered, in start order. */
export interface TemplatesDetail {
  renders: TemplateRender[];
}

/**
 * The panels' parts of a request, by panel id (server/panels/registry.ts). A panel with nothing to
 * show for the request is absent; `logs`, `cache` and `request` are typed in their folders
 * (server/panels/<id>/types.ts).
 */
export interface PanelDetails {
  sql?: SqlDetail;
  timeline?: TimelineDetail;
  templates?: TemplatesDetail;
  [id: string]: unknown;
}

/** `GET {mountPath}/api/requests/:id`. */
export interface RequestDetail extends RequestSummary {
  /** The request's headers, secrets redacted (absent on records stored before headers were kept). */
  requestHeaders?: HeaderField[];
  /** The response's headers as sent, secrets redacted; empty when none were sent. */
  responseHeaders?: HeaderField[];
  panels: PanelDetails;
}

/** EXPLAIN, what-if, missing indexes and hotspots: server/panels/sql/explain/api-types.ts. */
export type * from './panels/sql/explain/api-types.js';

export interface RequestListResponse {
  requests: RequestSummary[];
  /** The most requests the store keeps (absent for a custom store that does not say). */
  capacity?: number;
}

export interface ApiError {
  error: string;
}
