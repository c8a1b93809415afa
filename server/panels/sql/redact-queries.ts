import type { Dialect } from '../../types.js';
import { REDACTED } from '../../security/redact.js';
import { tokenize } from './explain/sql-tokens.js';

/*
 * Redaction of one request's queries as a whole, when it is stored. Two things need the request
 * rather than one statement:
 * - a value once known to be secret (bound to a password column in one query) is hidden wherever
 *   else the request carries it: `INSERT INTO audit (what) VALUES ($1)` with the same password, a
 *   log line that quotes it, the URL's `?p=`;
 * - the findings (duplicates, N+1s) are read later from the stored queries: a redacted query keeps
 *   which run it was (`sameRunAs`), computed from the real values, so hiding them changes nothing
 *   the panel finds.
 */

/** Shorter values are not hidden elsewhere: `'1'` or `'abc'` would hide unrelated data. */
export const MIN_SECRET_LENGTH = 4;

/** Strings past the stored length end like this (bounded-params.ts): the part kept is the secret's start. */
const CUT_SUFFIX = /… \[\d+ more characters\]$/;

/** A query as the redaction sees it. */
export interface RedactedQuery {
  id: number;
  sql: string;
  params: unknown[];
  db: { dialect: Dialect };
  /** A driver's message may quote the value it refused. */
  error?: string;
  redacted?: boolean;
  sameRunAs?: number;
}

function collect(secrets: Set<string>, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(secrets, item);
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return;
  const text = String(value).replace(CUT_SUFFIX, '');
  if (text.length >= MIN_SECRET_LENGTH && text !== REDACTED) secrets.add(text);
}

/** Each secret as it may be written: as is, inside JSON text (`"` escaped), inside an SQL string (`'` doubled). */
function spellings(secrets: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    all.add(secret);
    all.add(JSON.stringify(secret).slice(1, -1));
    all.add(secret.split("'").join("''"));
    all.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...all].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every occurrence of the secrets replaced by `[redacted]`.
 *
 * @example
 * scrubSecrets('attempt: hunter2', ['hunter2']) // 'attempt: [redacted]'
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return text;
  let pattern = patterns.get(secrets);
  if (!pattern) {
    // One alternation, longest first, for all of them: one pass over each text however many
    // secrets (V8 compiles it to a single automaton; a loop of includes() was ten times slower).
    pattern = new RegExp(secrets.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    patterns.set(secrets, pattern);
  }
  return text.replace(pattern, REDACTED);
}

/** The compiled pattern of each list of secrets (one list per redaction pass). */
const patterns = new WeakMap<readonly string[], RegExp>();

function scrubValue(value: unknown, secrets: readonly string[], exact: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => scrubValue(item, secrets, exact));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return exact.has(String(value)) ? REDACTED : value;
  if (typeof value !== 'string') return value;
  return exact.has(value) ? REDACTED : scrubSecrets(value, secrets);
}

/**
 * The SQL with the secrets hidden inside its string literals and comments only: a secret that
 * happens to be a word of the statement (a password `password`) must not rename a column.
 */
function scrubSql(sql: string, dialect: Dialect, secrets: readonly string[]): string {
  if (scrubSecrets(sql, secrets) === sql) return sql;
  let out = '';
  let at = 0;
  for (const token of tokenize(sql, dialect)) {
    if (token.type !== 'string' && token.type !== 'comment') continue;
    const text = sql.slice(token.start, token.end);
    const scrubbed = scrubSecrets(text, secrets);
    if (scrubbed === text) continue;
    out += sql.slice(at, token.start) + scrubbed;
    at = token.end;
  }
  return at === 0 ? sql : out + sql.slice(at);
}

/** The run a query is: its SQL and params, as run. */
const runKey = (sql: string, params: unknown[]) => `${sql}\u0000${JSON.stringify(params, (_key, value: unknown) =>
  (typeof value === 'bigint' ? `${value}n` : value))}`;

/** What the redaction of one request keeps between its passes (at the response, and when late queries settle). */
export interface RequestRedaction {
  /** Queries already read by their statement's plan. */
  read: WeakSet<object>;
  /** The secrets found so far, as they were. */
  found: Set<string>;
  /** A redacted query's run key from before anything was hidden. */
  realRuns: WeakMap<object, string>;
}

/**
 * An empty redaction state for one request.
 *
 * @example
 * const redaction = createRequestRedaction();
 * redactRequestQueries(live.queries, options.redactQuery, redaction); // at the response
 * redactRequestQueries(final.queries, options.redactQuery, redaction); // once late queries settle
 */
export function createRequestRedaction(): RequestRedaction {
  return { read: new WeakSet(), found: new Set(), realRuns: new WeakMap() };
}

/**
 * Redacts a request's queries in place: each one not read yet by its statement's plan
 * (`redactQuery`), then every occurrence of the values found secret so far, in every query. Every
 * query that was changed gets `redacted: true` and `sameRunAs`, the id of the first query with
 * the same SQL and params as they really were. Call it again with the same state when more
 * queries arrive: what they show secret is hidden in the earlier ones too. Returns the secrets,
 * in the spellings to look for elsewhere in the record (URL, headers, error).
 *
 * @example
 * const secrets = redactRequestQueries(live.queries, options.redactQuery);
 * record.url = scrubSecrets(record.url, secrets);
 */
export function redactRequestQueries(
  queries: RedactedQuery[], redactQuery: (query: RedactedQuery) => unknown[], state: RequestRedaction = createRequestRedaction(),
): string[] {
  // The redactor replaces `sql` and `params`, never changes them in place: what they were is kept
  // by reference, and turned into a run key only for a query that ends up redacted.
  const remember = (query: RedactedQuery, sql: string, params: unknown[]) => {
    if (query.redacted && !state.realRuns.has(query)) state.realRuns.set(query, runKey(sql, params));
  };
  for (const query of queries) {
    if (state.read.has(query)) continue;
    state.read.add(query);
    const { sql, params } = query;
    for (const value of redactQuery(query)) collect(state.found, value);
    remember(query, sql, params);
  }

  const secrets = spellings(state.found);
  if (secrets.length > 0) {
    for (const query of queries) {
      const params = query.params.map((value) => scrubValue(value, secrets, state.found));
      const sql = scrubSql(query.sql, query.db.dialect, secrets);
      const error = query.error === undefined ? undefined : scrubSecrets(query.error, secrets);
      if (error !== query.error) query.error = error;
      if (sql === query.sql && params.every((value, i) => value === query.params[i])) continue;
      const before = { sql: query.sql, params: query.params };
      query.sql = sql;
      query.params = params;
      query.redacted = true;
      remember(query, before.sql, before.params);
    }
  }

  if (queries.some((query) => query.redacted)) {
    const firstOfRun = new Map<string, number>();
    for (const query of queries) {
      const key = state.realRuns.get(query) ?? runKey(query.sql, query.params);
      const first = firstOfRun.get(key) ?? query.id;
      firstOfRun.set(key, first);
      if (query.redacted) query.sameRunAs = first;
    }
  }
  return secrets;
}
