import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveRequest, StoredRequest } from '../request/record.js';
import type { NameMatcher } from '../security/redact.js';

/*
 * The server side of a panel. A panel is one folder under server/panels/ exporting one
 * `ServerPanel` and one line in server/panels/registry.ts; the UI side is one folder under
 * ui/panels/ and one line in ui/app/panels.ts, with the same id. The core (middleware, record,
 * store, API) calls these hooks and knows no panel by name. Modelled on django-debug-toolbar's
 * `Panel` (enable, process request, generate stats, get_urls).
 */

/**
 * What a panel's hooks see of the request being served, or of work that is not an HTTP request
 * (a task, a socket event, a background burst: `live.kind`), which has no `req` and `res`.
 */
export interface PanelRequest {
  readonly live: LiveRequest;
  readonly req?: IncomingMessage;
  readonly res?: ServerResponse;
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

/** The panel's part of the launcher's badge: `3 warnings`, drawn in the warning colour with `tone: 'warn'`. */
export interface LauncherBadge {
  text: string;
  tone?: 'warn';
}

/** What a route handler gets: the stored request it names is looked up by the core. */
export interface PanelRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  sendJson: (status: number, body: unknown) => void;
  /** The stored record with this id, or undefined (unknown, evicted). */
  getRequest: (id: string) => Promise<StoredRequest | undefined>;
}

/**
 * Settings the toolbar was created with that panels may read. A panel's `instrument` keys reach
 * it through its own `instrument` functions only, never through here.
 */
export interface PanelSetup {
  /** Calls from one line before the same command counts as an N+1 (`nPlusOneThreshold`, default 3). */
  nPlusOneThreshold: number;
  /**
   * Names of secrets (`redactNames`), for a panel that copies the app's values while the request
   * runs (a log line's fields): copied once, redacted as they are copied.
   */
  isSecretName: NameMatcher;
}

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
  /** Once the response is out: the stored part, redacted. Undefined stores nothing. */
  finish?(state: State, request: PanelRequest, redaction: PanelRedaction): Stored | undefined;
  /**
   * The panel goes on recording the request's work after the response (in its async context,
   * until the record settles, `afterResponseMs`), as the SQL panel does: its state is kept until
   * then, and `finish` runs again on it for the settled record. Its hooks mark such entries.
   */
  readonly recordsAfterResponse?: boolean;
  /** `detail.panels[id]`, derived when somebody reads the request; the stored part itself by default. */
  detail?(stored: Stored, record: StoredRequest): Detail;
  /** Its part of the launcher's badge, while the page is sent: only what is cheap. */
  badge?(state: State): LauncherBadge | null;
  /** Its `Server-Timing` figures, when the response's headers are written. */
  serverTiming?(state: State): ServerTimingEntry[];
  /** Its own API under `{mountPath}/api/{id}/…`, by path after that prefix (`/` for the prefix itself). */
  readonly routes?: Readonly<Record<string, (context: PanelRouteContext) => Promise<void> | void>>;
}

/** A panel of any state: what the registry holds. */
export type AnyServerPanel = ServerPanel<any, any, any>;
