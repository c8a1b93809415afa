import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from './store/store.js';
import { memoryStore } from './store/memory-store.js';
import type { PanelInstrumentable } from './panels/registry.js';
import { validateInstrument } from './panels/lifecycle.js';
import { editorUrlProblem } from './stack/editor-url.js';
import { isLoopbackRequest } from './security/allow.js';
import {
  DEFAULT_REDACT_COLUMNS, DEFAULT_REDACT_NAMES, isSecretColumn, isSecretName, nameMatcher, type NameMatcher,
} from './security/redact.js';
import { createQueryRedactor, type RedactableQuery } from './panels/sql/redact-params.js';
import { DEFAULT_PATH_REDACTION, redactUrl, type PathRedaction } from './security/redact-url.js';

/** The `instrument` keys the core reads itself; the panels declare theirs (server/panels/registry.ts). */
export interface CoreInstrumentable {
  /** A socket.io `Server`: each event it handles is recorded as a History entry of kind `socket`. */
  socketIo?: unknown;
}

const CORE_INSTRUMENT_KEYS: readonly (keyof CoreInstrumentable)[] = ['socketIo'];

/** Options of {@link debugToolbar}. Every one is optional. */
export interface DebugToolbarOptions {
  /** Default: `process.env.NODE_ENV !== 'production'`. Disabled means nothing is patched or served. */
  enabled?: boolean;
  /** Where the toolbar's API and assets live. Default `/__toolbar`. */
  mountPath?: string;
  /** Who may see the toolbar. Default: requests from a loopback address only. */
  allow?: (req: IncomingMessage) => boolean;
  /** Requests kept. Default 100. */
  capacity?: number;
  /** Queries stored per request; past it they are counted only. Default 1000. */
  maxQueriesPerRequest?: number;
  /**
   * The database modules to record: `{ pg, pglite }`; the app's ORM object, whose models and
   * relations N+1 fixes then name exactly: `{ pg, sequelize }` (the instance), `{ pg, prisma }`
   * (the PrismaClient), `{ mysql2, typeorm }` (the DataSource), `{ pg, drizzle }` (the db with its
   * schema); and template engines whose includes and partials to time: `{ ejs, pug, nunjucks,
   * handlebars }` (views are timed without this); loggers for the Logs panel: `{ pino, winston,
   * debug }` (the modules; `console` is always recorded).
   */
  instrument?: CoreInstrumentable & PanelInstrumentable;
  /** The CSP nonce for the injected tag. Default: `res.locals.cspNonce`. */
  nonce?: (req: IncomingMessage, res: ServerResponse) => string | undefined;
  /** Where requests are kept. Default: an in-memory ring buffer of `capacity` requests. */
  store?: Store;
  /** HTML bodies larger than this pass through without the toolbar. Default 5 MB. */
  maxInjectBytes?: number;
  /** A request running more queries than this is flagged. Default 20. */
  queryBudget?: number;
  /**
   * Send a `Server-Timing` header (database, render and total time) the browser's devtools show.
   * Default true.
   */
  serverTiming?: boolean;
  /** Record the timeline: middleware, handlers, template renders, outbound HTTP. Default true. */
  timeline?: boolean;
  /**
   * Runs of one query shape from one line of code, with different params, that make an N+1.
   * Default 3; at least 2.
   */
  nPlusOneThreshold?: number;
  /**
   * Link that opens a call site in your editor; `{file}`, `{line}` and `{column}` are filled in.
   * Default `vscode://file/{file}:{line}`.
   *
   * @example
   * debugToolbar({ editorUrl: 'idea://open?file={file}&line={line}' })
   */
  editorUrl?: string;
  /**
   * Names of secrets in URLs and headers: query-string keys (of the recorded URL, Referer,
   * Location and outbound calls) and headers named like these are stored as `[redacted]`. A
   * string matches a whole word of the name (`'password'` matches `password_hash` and
   * `userPassword`, not `passwords`); a RegExp is tested on the name. Default
   * {@link DEFAULT_REDACT_NAMES}; extend it rather than replace it. Names you add beyond the
   * defaults apply to SQL columns too, unless `redactColumns` is given.
   *
   * @example
   * debugToolbar({ redactNames: [...DEFAULT_REDACT_NAMES, 'ssn', /^card_/] })
   */
  redactNames?: readonly (string | RegExp)[];
  /**
   * Milliseconds after the response during which queries started in the request's async context
   * (a write after a redirect, a fire-and-forget promise) are still recorded, in their own section,
   * and queries still running get their real duration. Then the record is final. 0 records only
   * what ran before the response. Default 3000.
   */
  afterResponseMs?: number;
  /**
   * Names of secret SQL columns: params and literals bound to columns (and named placeholders,
   * and keys of objects bound with `SET ?`) named like these are stored as `[redacted]`, matched
   * like `redactNames`. Default {@link DEFAULT_REDACT_COLUMNS} plus what `redactNames` adds to its
   * defaults. Narrower than `redactNames` on purpose: `key`, `auth`, `session` name data in a table.
   * Duplicates and N+1s are found from the real values either way.
   *
   * @example
   * debugToolbar({ redactColumns: [...DEFAULT_REDACT_COLUMNS, 'ssn', 'iban'] })
   */
  redactColumns?: readonly (string | RegExp)[];
  /**
   * Secrets in URL paths (of the recorded request, Referer, Location, outbound calls, and URLs
   * nested in query values): the segment after one named like `after` (`/reset/<token>`,
   * `/api/push/<token>`; matched like `redactNames`), and with `tokenLike` any segment that looks
   * like a token (a JWT, 16+ random-looking letters and digits; not UUIDs or ObjectIds), are stored
   * as `[redacted]`. Default `{ after: DEFAULT_REDACT_PATH_AFTER, tokenLike: true }`; `false` turns
   * it off (query strings are redacted either way).
   *
   * @example
   * debugToolbar({ redactPathSegments: { after: [...DEFAULT_REDACT_PATH_AFTER, 'download'], tokenLike: false } })
   */
  redactPathSegments?: { after?: readonly (string | RegExp)[]; tokenLike?: boolean } | false;
}

export interface ResolvedOptions {
  enabled: boolean;
  mountPath: string;
  allow: (req: IncomingMessage) => boolean;
  capacity: number;
  maxQueriesPerRequest: number;
  instrument: CoreInstrumentable & PanelInstrumentable & Readonly<Record<string, unknown>>;
  nonce: (req: IncomingMessage, res: ServerResponse) => string | undefined;
  store: Store;
  maxInjectBytes: number;
  queryBudget: number;
  serverTiming: boolean;
  timeline: boolean;
  nPlusOneThreshold: number;
  editorUrl: string;
  /** From `redactNames`: URLs and headers. */
  isSecretName: NameMatcher;
  /** From `redactColumns` (and what `redactNames` adds): SQL columns. */
  isSecretColumn: NameMatcher;
  /** Redacts a URL as stored (`redactNames` for its query, `redactPathSegments` for its path). */
  redactUrl: (url: string) => string;
  /** Hides a stored query's secret params and literals (cached by SQL text); returns the values hidden. */
  redactQuery: (query: RedactableQuery) => unknown[];
  afterResponseMs: number;
}

const KNOWN_OPTIONS = new Set([
  'enabled', 'mountPath', 'allow', 'capacity', 'maxQueriesPerRequest', 'instrument', 'nonce', 'store',
  'serverTiming', 'timeline',
  'maxInjectBytes', 'queryBudget', 'nPlusOneThreshold', 'editorUrl', 'redactNames', 'redactColumns', 'redactPathSegments',
  'afterResponseMs',
]);

const DEFAULT_EDITOR_URL = 'vscode://file/{file}:{line}';

function defaultNonce(_req: IncomingMessage, res: ServerResponse): string | undefined {
  const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals;
  const nonce = locals?.cspNonce;
  return typeof nonce === 'string' ? nonce : undefined;
}

function fail(message: string): never {
  throw new TypeError(`express-debug-toolbar: ${message}`);
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(`\`${name}\` must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(`\`${name}\` must be an integer of 0 or more, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalFunction<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') fail(`\`${name}\` must be a function, got ${typeof value}`);
  return value as T;
}

function nPlusOneThreshold(value: unknown): number {
  const threshold = positiveInteger('nPlusOneThreshold', value, 3);
  if (threshold < 2) fail(`\`nPlusOneThreshold\` must be at least 2 (one query is no loop), got ${threshold}`);
  return threshold;
}

function editorUrlOption(value: unknown): string {
  if (value === undefined) return DEFAULT_EDITOR_URL;
  if (typeof value !== 'string') fail(`\`editorUrl\` must be a string like "${DEFAULT_EDITOR_URL}", got ${typeof value}`);
  const problem = editorUrlProblem(value);
  if (problem) fail(`\`editorUrl\` ${problem}, got ${JSON.stringify(value)}`);
  return value;
}

function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`\`${name}\` must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

type NameList = readonly (string | RegExp)[];

function nameListOption(name: string, value: unknown): NameList | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`\`${name}\` must be an array of strings and RegExps, got ${typeof value}`);
  for (const item of value) {
    if (item instanceof RegExp) continue;
    if (typeof item !== 'string' || !/[A-Za-z0-9]/.test(item)) {
      fail(`\`${name}\` must hold strings with a letter or digit, or RegExps; got ${item instanceof Object ? typeof item : JSON.stringify(item)}`);
    }
  }
  return value as NameList;
}

/**
 * The matchers for URLs/headers and for SQL columns. Without `redactColumns`, the columns' list
 * is its defaults plus whatever `redactNames` adds to its own (`[...DEFAULT_REDACT_NAMES, 'ssn']`
 * has always hidden an `ssn` column), so the narrower column defaults cost nobody a custom name.
 */
function redactionMatchers(names: unknown, columns: unknown): { isSecretName: NameMatcher; isSecretColumn: NameMatcher } {
  const nameList = nameListOption('redactNames', names);
  const columnList = nameListOption('redactColumns', columns);
  const defaults = new Set<string | RegExp>(DEFAULT_REDACT_NAMES);
  const added = (nameList ?? []).filter((name) => !defaults.has(name));
  return {
    isSecretName: nameList ? nameMatcher(nameList) : isSecretName,
    isSecretColumn: columnList ? nameMatcher(columnList)
      : added.length > 0 ? nameMatcher([...DEFAULT_REDACT_COLUMNS, ...added]) : isSecretColumn,
  };
}

function pathRedactionOption(value: unknown): PathRedaction | null {
  if (value === undefined) return DEFAULT_PATH_REDACTION;
  if (value === false) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`\`redactPathSegments\` must be false or an object like { after: [...DEFAULT_REDACT_PATH_AFTER], tokenLike: true }, got ${JSON.stringify(value)}`);
  }
  const { after, tokenLike, ...rest } = value as { after?: unknown; tokenLike?: unknown };
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`\`redactPathSegments\` takes \`after\` and \`tokenLike\`, not \`${unknown[0]}\``);
  const words = nameListOption('redactPathSegments.after', after);
  return {
    after: words ? nameMatcher(words) : DEFAULT_PATH_REDACTION.after,
    tokenLike: optionalBoolean('redactPathSegments.tokenLike', tokenLike, true),
  };
}

/** Checks the user's options and fills in defaults; a wrong option throws a TypeError that says why. */
export function resolveOptions(options: DebugToolbarOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(`unknown option \`${key}\``);
  }
  if (options.enabled !== undefined && typeof options.enabled !== 'boolean') {
    fail(`\`enabled\` must be a boolean, got ${JSON.stringify(options.enabled)}`);
  }
  const mountPath = options.mountPath ?? '/__toolbar';
  if (typeof mountPath !== 'string' || !/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(mountPath)) {
    fail(`\`mountPath\` must be a path like "/__toolbar" (no trailing slash), got ${JSON.stringify(mountPath)}`);
  }
  const instrument = options.instrument ?? {};
  if (instrument === null || typeof instrument !== 'object') fail('`instrument` must be an object like { pg }');
  validateInstrument(instrument, CORE_INSTRUMENT_KEYS);
  const capacity = positiveInteger('capacity', options.capacity, 100);
  const store = options.store ?? memoryStore({ capacity });
  if (typeof store.add !== 'function' || typeof store.get !== 'function' || typeof store.list !== 'function') {
    fail('`store` must implement add(), get() and list()');
  }
  const redaction = redactionMatchers(options.redactNames, options.redactColumns);
  const paths = pathRedactionOption(options.redactPathSegments);
  return {
    enabled: options.enabled ?? process.env.NODE_ENV !== 'production',
    mountPath,
    allow: optionalFunction('allow', options.allow, isLoopbackRequest),
    capacity,
    maxQueriesPerRequest: positiveInteger('maxQueriesPerRequest', options.maxQueriesPerRequest, 1000),
    instrument: instrument as ResolvedOptions['instrument'],
    nonce: optionalFunction('nonce', options.nonce, defaultNonce),
    store,
    maxInjectBytes: positiveInteger('maxInjectBytes', options.maxInjectBytes, 5 * 1024 * 1024),
    queryBudget: positiveInteger('queryBudget', options.queryBudget, 20),
    serverTiming: optionalBoolean('serverTiming', options.serverTiming, true),
    timeline: optionalBoolean('timeline', options.timeline, true),
    nPlusOneThreshold: nPlusOneThreshold(options.nPlusOneThreshold),
    editorUrl: editorUrlOption(options.editorUrl),
    isSecretName: redaction.isSecretName,
    isSecretColumn: redaction.isSecretColumn,
    redactUrl: (url) => redactUrl(url, redaction.isSecretName, paths),
    redactQuery: createQueryRedactor(redaction.isSecretColumn),
    afterResponseMs: nonNegativeInteger('afterResponseMs', options.afterResponseMs, 3000),
  };
}
