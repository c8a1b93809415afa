import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveRequest, StoredRequest } from '../request/record.js';
import type { NameMatcher } from '../security/redact.js';
import type { Store } from '../store/store.js';
import type { RequestDetail } from '../types.js';

/*
 * The server side of a panel. A panel is one folder under server/panels/ exporting one
 * `ServerPanel` and one line in server/panels/registry.ts; the UI side is one folder under
 * ui/panels/ and one line in ui/app/panels.ts, with the same id. The core (middleware, record,
 * store, API) calls these hooks and knows no panel by name. Modelled on django-debug-toolbar's
 * `Panel` (enable, process request, generate stats, get_urls).
 */

/**
 * The toolbar's settings a panel may read. Panels are shared by every toolbar of the process (one
 * per app, or one per test), so each hook gets the settings of the toolbar calling it.
 */
export interface PanelSettings {
  /** The `instrument` option: the modules the app passed, by key. */
  readonly instrument: Readonly<Record<string, unknown>>;
  /** Record middleware, handler, render and HTTP spans (`timeline`). */
  readonly timeline: boolean;
  /** Repeats of one shape from one place that make an N+1 (`nPlusOneThreshold`, default 3). */
  readonly nPlusOneThreshold: number;
  /** More queries than this flags a request (`queryBudget`). */
  readonly queryBudget: number;
  /** `editorUrl`: links from call sites to the editor; empty for none. */
  readonly editorUrl: string;
  /** Names of secrets in URLs, headers, cookies, bodies and log fields (`redactNames`). */
  readonly isSecretName: NameMatcher;
  /** Redacts a URL as stored. */
  readonly redactUrl: (url: string) => string;
}

/**
 * What a panel's hooks see of the request being served, or of work that is not an HTTP request
 * (a task, a socket event, a background burst: `live.kind`), which has no `req` and `res`.
 */
export interface PanelRequest {
  readonly live: LiveRequest;
  readonly req?: IncomingMessage;
  readonly res?: ServerResponse;
  readonly settings: PanelSettings;
}

/** The redaction rules of the toolbar's options, for a panel's part of the stored record. */
export interface PanelRedaction {
  /** Names of secrets in URLs, headers, cookies, bodies and log fields (`redactNames`). */
  isSecretName: NameMatcher;
  /** Redacts a URL as stored. */
  redactUrl: (url: string) => string;
  /** Hides, in a text, the values the request's queries showed to be secret (a password compared in a WHERE). */
  scrubText: (text: string) => string;
}

/** A figure of the `Server-Timing` header: `cache;dur=3.2;desc="12 commands"`. */
export interface ServerTimingEntry {
  name: string;
  durationMs: number;
  description?: string;
}

/**
 * The panel's part of the launcher's badge: `3 warnings`, drawn in the warning colour with
 * `tone: 'warn'`. The launcher shows whatever the panels contribute, in the registry's order.
 */
export interface LauncherBadge {
  text: string;
  tone?: 'warn';
  /** A word drawn before the text (`SQL`). */
  label?: string;
  /** What a screen reader hears for it, when the text alone says too little (`7 queries, 2 duplicated`). */
  say?: string;
  /**
   * For the fetch/XHR requests the page fires: the numeric field of their list line
   * (`RequestSummary`) the launcher adds up (`queryCount`), and the fields that, when truthy,
   * colour that sum as a warning.
   */
  fetches?: { sum: string; warnIf?: readonly string[] };
}

/** What a route handler gets: the stored request it names is looked up by the core. */
export interface PanelRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  settings: PanelSettings;
  sendJson: (status: number, body: unknown) => void;
  /** The stored record with this id, or undefined (unknown, evicted, not a request id). */
  getRequest: (id: string) => Promise<StoredRequest | undefined>;
  /** The request store (a failing store throws; the core answers 503). */
  store: Store;
  /** What the API serves for a stored record (`GET /api/requests/:id`), every panel's part included. */
  detailOf: (record: StoredRequest) => RequestDetail;
}

/** Settings the toolbar was created with that panels may read, once, at setup. */
export type PanelSetup = PanelSettings;

/**
 * One panel. `State` is what it keeps while a request runs (on `live.panels[id]`), `Stored` its
 * plain-JSON part of the stored record (`record.panels[id]`, any store can serialise it), `Detail`
 * what the API serves as `detail.panels[id]`.
 */
export interface ServerPanel<State = unknown, Stored = unknown, Detail = Stored> {
  /** The same id as the UI's panel: `logs`, `cache`, `request`. */
  readonly id: string;
  readonly title: string;
  /**
   * The `instrument` keys it takes, each with the function that patches the module passed; the
   * function throws a TypeError saying what to pass when the value is not what it expects.
   */
  readonly instrument?: Readonly<Record<string, (module: unknown) => void>>;
  /** Once, when an enabled toolbar is created: patch what is always patched (`console`). */
  setup?(setup: PanelSetup): void;
  /** At the start of each recorded request: the panel's state for it, or undefined for none. */
  start?(request: PanelRequest): State | undefined;
  /** When the response's headers are written (a milestone on the timeline). */
  headersSent?(state: State): void;
  /** Once the response is out: the stored part, redacted. Undefined stores nothing. */
  finish?(state: State, request: PanelRequest, redaction: PanelRedaction): Stored | undefined;
  /**
   * The panel goes on recording the request's work after the response (in its async context,
   * until the record settles, `afterResponseMs`), as the SQL panel does: its state is kept until
   * then, and `finish` runs again on it for the settled record. Its hooks mark such entries.
   */
  readonly recordsAfterResponse?: boolean;
  /**
   * The panel records work that is not an HTTP request too (a `recordTask`, a socket event, the
   * background bursts of units/): its hooks then get no `req` and `res`. Others are not started there.
   */
  readonly recordsUnits?: boolean;
  /**
   * Fields of the request's list line (`RequestSummary`: the History, the launcher's fetch
   * counts), derived when somebody reads the request; they also head `detail`.
   */
  summary?(record: StoredRequest, settings: PanelSettings): Record<string, unknown>;
  /**
   * Its detail reads the core's record (the queries), so it is asked for every record, tasks and
   * socket events included, with `stored` undefined when it stored nothing for that one (its
   * `Stored` type then includes undefined).
   */
  readonly readsRecord?: boolean;
  /**
   * `detail.panels[id]`, derived when somebody reads the request; the stored part itself by
   * default. Asked only for records with a stored part, unless `readsRecord`; returning undefined
   * leaves the panel out of the detail.
   */
  detail?(stored: Stored, record: StoredRequest, settings: PanelSettings): Detail | undefined;
  /** Its part of the launcher's badge, while the page is sent: only what is cheap. */
  badge?(state: State): LauncherBadge | null;
  /** Its `Server-Timing` figures, when the response's headers are written. */
  serverTiming?(state: State): ServerTimingEntry[];
  /** Its own API under `{mountPath}/api/{id}/…`, by path after that prefix (`/` for the prefix itself). */
  readonly routes?: Readonly<Record<string, (context: PanelRouteContext) => Promise<void> | void>>;
}

/** A panel of any state: what the registry holds. */
export type AnyServerPanel = ServerPanel<any, any, any>;
