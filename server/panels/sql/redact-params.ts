import type { Dialect } from '../../types.js';
import { REDACTED, type NameMatcher } from '../timeline/redact.js';
import { codeTokens, type Token } from './explain/sql-tokens.js';

/*
 * Which values of a statement belong to secret columns (password, token, api_key…): its bound
 * params and the literals written in its text. Read from the SQL alone, once per statement text,
 * since an app runs the same few hundred statements over and over.
 */

/** What to hide in every run of one statement. */
export interface SecretPlan {
  /** 0-based indexes into the params array. */
  positions: number[];
  /** Named placeholders (`:name`, `@name`, `$name`), without their prefix. */
  names: string[];
  /** mysql2 `INSERT … (cols) VALUES ?` with rows of values: the secret columns' indexes. */
  rowColumns: { position: number; columns: number[] }[];
  /** Params bound as objects (`SET ?`, named placeholders): hide their secret-named keys. */
  objectKeys: boolean;
  /** The SQL with its secret literals replaced, or null when it has none. */
  sql: string | null;
}

const OPERATORS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', 'LIKE', 'ILIKE', 'IN']);
/** Words that end a value expression at depth 0. */
const BOUNDARIES = new Set([
  'AND', 'OR', 'WHERE', 'SET', 'FROM', 'ORDER', 'GROUP', 'LIMIT', 'OFFSET', 'RETURNING', 'HAVING', 'ON', 'JOIN',
  'UNION', 'WHEN', 'THEN', 'ELSE', 'END', 'VALUES', 'SELECT', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'WINDOW',
  'FOR', 'USING', 'DO', 'EXCEPT', 'INTERSECT',
]);
const LITERAL_SQL = `'${REDACTED}'`;

const isName = (t: Token | undefined): t is Token => t !== undefined && (t.type === 'word' || t.type === 'ident');
const isValue = (t: Token | undefined) => t !== undefined && (t.type === 'param' || t.type === 'string' || t.type === 'number');
const isPunct = (t: Token | undefined, value: string) => t !== undefined && t.type === 'punct' && t.value === value;

/** A placeholder's binding: a 0-based position or a name. */
type Binding = { position: number } | { name: string };

/**
 * Tokens with mysql2's `:name` placeholders joined (the shared tokenizer reads them as `:` and a
 * word), and the binding of every placeholder: `$n`, `?`, `?NNN` (SQLite: one more than the
 * largest so far), `:name`/`@name`/`$name`.
 */
function bindTokens(sql: string, dialect: Dialect): { tokens: Token[]; bindings: Map<Token, Binding> } {
  const raw = codeTokens(sql, dialect);
  const tokens: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const next = raw[i + 1];
    if (dialect === 'mysql' && isPunct(t, ':') && next?.type === 'word' && next.start === t.end && !isPunct(raw[i - 1], ':')) {
      tokens.push({ type: 'param', value: sql.slice(t.start, next.end), start: t.start, end: next.end });
      i++;
      continue;
    }
    tokens.push(t);
  }
  const bindings = new Map<Token, Binding>();
  let largest = 0;
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    const text = sql.slice(t.start, t.end);
    if (text[0] === '$' && /^\$\d+$/.test(text)) {
      const n = Number(text.slice(1));
      bindings.set(t, { position: n - 1 });
      largest = Math.max(largest, n);
    } else if (text === '?') {
      // PostgreSQL's `?` is the jsonb operator, never a placeholder.
      if (dialect === 'postgres') continue;
      largest += 1;
      bindings.set(t, { position: largest - 1 });
    } else if (/^\?\d+$/.test(text)) {
      const n = Number(text.slice(1));
      bindings.set(t, { position: n - 1 });
      largest = Math.max(largest, n);
    } else if (/^[:@$]/.test(text)) {
      bindings.set(t, { name: text.slice(1) });
    }
  }
  return { tokens, bindings };
}

/** The name a column token is written with: quoted names unquoted, words as written (case kept). */
const columnName = (sql: string, t: Token) => (t.type === 'ident' ? t.value : sql.slice(t.start, t.end));

/** The index just past the value expression that starts at `from`. */
function valueEnd(tokens: Token[], from: number): number {
  let depth = 0;
  let i = from;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (isPunct(t, ',') || isPunct(t, ';') || (t.type === 'word' && BOUNDARIES.has(t.value)))) break;
  }
  return i;
}

/** `(a, b, "c")`: the names of a parenthesised column list starting at `open`, and the index of its `)`; null if not one. */
function columnList(sql: string, tokens: Token[], open: number): { names: string[]; close: number } | null {
  if (!isPunct(tokens[open], '(')) return null;
  const names: string[] = [];
  let i = open + 1;
  for (;;) {
    const t = tokens[i];
    if (!isName(t)) return null;
    names.push(columnName(sql, t));
    i++;
    if (isPunct(tokens[i], ')')) return { names, close: i };
    if (!isPunct(tokens[i], ',')) return null;
    i++;
  }
}

/** The elements of a tuple `( e1, e2, … )` starting at `open`: [start, end) token ranges, and the index after `)`. */
function tupleElements(tokens: Token[], open: number): { elements: [number, number][]; next: number } | null {
  if (!isPunct(tokens[open], '(')) return null;
  const elements: [number, number][] = [];
  let start = open + 1;
  for (;;) {
    const end = valueEnd(tokens, start);
    elements.push([start, end]);
    if (isPunct(tokens[end], ',')) {
      start = end + 1;
      continue;
    }
    if (isPunct(tokens[end], ')')) return { elements, next: end + 1 };
    return null;
  }
}

/**
 * Reads which values of `sql` are bound to secret columns. Patterns: `col = value` and
 * `value = col` (any comparison, `LIKE`, `IN (…)`, qualified or quoted names, `SET col = …`, a
 * value expression like `crypt($1, gen_salt('bf'))` whole); `INSERT … (cols) VALUES (…), (…)` by
 * position; `(cols) = (…)`; placeholders whose own name is secret (`:password`); mysql2's
 * `VALUES ?` rows and `SET ?` objects. Returns null when nothing is secret.
 *
 * @example
 * secretPlan('UPDATE users SET password = $2 WHERE id = $1', 'postgres', isSecretName)
 * // { positions: [1], names: [], rowColumns: [], objectKeys: false, sql: null }
 * secretPlan("SELECT * FROM users WHERE token = 'abc'", 'mysql', isSecretName)?.sql
 * // "SELECT * FROM users WHERE token = '[redacted]'"
 */
export function secretPlan(sql: string, dialect: Dialect, isSecret: NameMatcher): SecretPlan | null {
  const { tokens, bindings } = bindTokens(sql, dialect);
  const marked = new Set<Token>();
  const rowColumns: SecretPlan['rowColumns'] = [];
  let objectKeys = false;
  const markRange = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (isValue(tokens[i])) marked.add(tokens[i]);
  };

  // The nearest `(` before the current token, kept as the loop goes: scanning back for it at each
  // `) =` or `) VALUES` made deeply nested SQL quadratic (seconds for 175 KB, in the finish handler).
  let lastOpen = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (k > 0 && isPunct(tokens[k - 1], '(')) lastOpen = k - 1;
    const t = tokens[k];
    const binding = bindings.get(t);
    if (binding && 'name' in binding) {
      objectKeys = true;
      if (isSecret(binding.name)) marked.add(t);
    }
    // mysql2 `SET ?`: an object whose keys are the columns.
    if (t.type === 'param' && tokens[k - 1]?.type === 'word' && tokens[k - 1].value === 'SET') objectKeys = true;

    const operator = (t.type === 'punct' || t.type === 'word') && OPERATORS.has(t.value);
    if (operator) {
      // `col [NOT] op value`
      let left = k - 1;
      if (tokens[left]?.type === 'word' && tokens[left].value === 'NOT') left--;
      const leftToken = tokens[left];
      // MySQL reads `"password"` as a string unless ANSI_QUOTES is on: a column either way here.
      const quotedColumn = dialect === 'mysql' && leftToken?.type === 'string' && sql[leftToken.start] === '"'
        && isSecret(leftToken.value.slice(1, -1));
      if (quotedColumn || (isName(leftToken) && !(leftToken.type === 'word' && BOUNDARIES.has(leftToken.value))
        && isSecret(columnName(sql, leftToken)))) {
        markRange(k + 1, valueEnd(tokens, k + 1));
      } else if (isValue(leftToken) && t.value !== 'IN') {
        // `value op [t.]col`
        let right = k + 1;
        while (isName(tokens[right]) && isPunct(tokens[right + 1], '.')) right += 2;
        const rightToken = tokens[right];
        if (isName(rightToken) && !isPunct(tokens[right + 1], '(') && isSecret(columnName(sql, rightToken))) marked.add(leftToken);
      }
      // `(a, b) = (…)`
      if (t.value === '=' && isPunct(leftToken, ')')) {
        const columns = columnList(sql, tokens, lastOpen);
        const tuple = columns && tupleElements(tokens, k + 1);
        if (columns && tuple) {
          tuple.elements.forEach(([from, to], i) => {
            if (columns.names[i] !== undefined && isSecret(columns.names[i])) markRange(from, to);
          });
        }
      }
    }

    // `(cols) VALUES (…), (…)` or mysql2's `(cols) VALUES ?`
    if (t.type === 'word' && t.value === 'VALUES' && isPunct(tokens[k - 1], ')')) {
      const columns = columnList(sql, tokens, lastOpen);
      if (!columns) continue;
      const secretColumns = columns.names.flatMap((name, i) => (isSecret(name) ? [i] : []));
      if (secretColumns.length === 0) continue;
      const bulk = bindings.get(tokens[k + 1]);
      if (bulk && 'position' in bulk) {
        rowColumns.push({ position: bulk.position, columns: secretColumns });
        continue;
      }
      let next = k + 1;
      for (let tuple = tupleElements(tokens, next); tuple; tuple = tupleElements(tokens, next)) {
        for (const i of secretColumns) if (tuple.elements[i]) markRange(tuple.elements[i][0], tuple.elements[i][1]);
        next = tuple.next;
        if (!isPunct(tokens[next], ',')) break;
        next++;
      }
    }
  }

  if (marked.size === 0 && rowColumns.length === 0 && !objectKeys) return null;
  const positions = new Set<number>();
  const names = new Set<string>();
  const literals: Token[] = [];
  for (const token of marked) {
    const binding = bindings.get(token);
    if (binding && 'position' in binding) positions.add(binding.position);
    else if (binding) names.add(binding.name);
    else if (token.type !== 'param') literals.push(token);
  }
  let redactedSql: string | null = null;
  if (literals.length > 0) {
    literals.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const literal of literals) {
      out += sql.slice(at, literal.start) + LITERAL_SQL;
      at = literal.end;
    }
    redactedSql = out + sql.slice(at);
  }
  return { positions: [...positions].sort((a, b) => a - b), names: [...names], rowColumns, objectKeys, sql: redactedSql };
}

/** `{"email":"a","password":"b"}` as stored (objects are kept as JSON text): secret keys' values hidden. */
function redactObjectText(text: string, hide: (key: string) => boolean): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return text;
    let changed = false;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(copy)) {
      if (hide(key)) {
        copy[key] = REDACTED;
        changed = true;
      }
    }
    return changed ? JSON.stringify(copy) : text;
  } catch {
    // Cut at the stored length, so no longer JSON: hide `"key": value` pairs as text.
    return text.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]]*)/g,
      (pair, key: string, colon: string) => (hide(key) ? `"${key}"${colon}"${REDACTED}"` : pair));
  }
}

/** Hides the plan's values in `params` (a copy); params that are not there stay absent. */
export function applyPlan(plan: SecretPlan, params: unknown[], isSecret: NameMatcher): unknown[] {
  const out = params.slice();
  for (const position of plan.positions) if (position < out.length) out[position] = REDACTED;
  for (const { position, columns } of plan.rowColumns) {
    const rows = out[position];
    if (!Array.isArray(rows)) {
      if (position < out.length) out[position] = REDACTED;
      continue;
    }
    out[position] = rows.map((row) => {
      if (!Array.isArray(row)) return REDACTED;
      const copy = row.slice();
      for (const i of columns) if (i < copy.length) copy[i] = REDACTED;
      return copy;
    });
  }
  if (plan.objectKeys) {
    const named = new Set(plan.names);
    // better-sqlite3 keys omit the prefix, node-sqlite3's keep it (`$password`).
    const hide = (key: string) => {
      const bare = key.replace(/^[:@$]/, '');
      return named.has(bare) || isSecret(bare);
    };
    for (let i = 0; i < out.length; i++) {
      const value = out[i];
      if (typeof value === 'string' && value.startsWith('{')) out[i] = redactObjectText(value, hide);
    }
  }
  return out;
}

/** A statement's SQL and params as they may be stored. */
export interface RedactableQuery {
  sql: string;
  params: unknown[];
  db: { dialect: Dialect };
  /** Set when something was hidden: EXPLAIN ANALYZE would run with the wrong values. */
  redacted?: boolean;
}

/** Statements remembered per redactor; past it the cache starts over. */
const MAX_CACHED = 1000;
/** Longer statements (bulk inserts with inlined rows) are read each time rather than kept. */
const MAX_CACHED_SQL = 20_000;

/**
 * A redactor with its own cache of plans by SQL text: call it on each stored query, after the
 * response is sent. It replaces `sql` and `params` when they held secrets and sets `redacted`.
 *
 * @example
 * const redact = createQueryRedactor(isSecretName);
 * const query = { sql: 'SELECT * FROM users WHERE email = ? AND password = ?', params: ['a@b', 'hunter2'], db: { dialect: 'mysql' } };
 * redact(query); // query.params → ['a@b', '[redacted]'], query.redacted → true
 */
export function createQueryRedactor(isSecret: NameMatcher): (query: RedactableQuery) => void {
  const caches: Record<Dialect, Map<string, SecretPlan | null>> = { postgres: new Map(), mysql: new Map(), sqlite: new Map() };
  return function redactQuery(query) {
    const cache = caches[query.db.dialect] ?? caches.postgres;
    let plan = cache.get(query.sql);
    if (plan === undefined) {
      plan = secretPlan(query.sql, query.db.dialect ?? 'postgres', isSecret);
      if (query.sql.length <= MAX_CACHED_SQL) {
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(query.sql, plan);
      }
    }
    if (plan === null) return;
    const params = applyPlan(plan, query.params, isSecret);
    const changed = plan.sql !== null || params.some((value, i) => value !== query.params[i]);
    if (!changed) return;
    if (plan.sql !== null) query.sql = plan.sql;
    query.params = params;
    query.redacted = true;
  };
}
