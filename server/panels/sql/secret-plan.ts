import type { Dialect } from '../../types.js';
import { REDACTED, type NameMatcher } from '../../security/redact.js';
import type { Token } from './explain/sql-tokens.js';
import { bindTokens, columnList, columnName, isName, isPunct, isValue, isWord, literalValue, structure } from './secret-tokens.js';

/*
 * Which values of a statement belong to secret columns (password, token, api_key…): its bound
 * params and the literals written in its text. Read from the SQL alone, once per statement text,
 * since an app runs the same few hundred statements over and over. Every scan jumps over
 * parenthesised groups through a table of matching parentheses, so the read stays linear however
 * deeply the SQL nests (it runs in the response's finish handler).
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
  /** The secret literals' values, unquoted: hidden wherever else they appear in the request. */
  literals: string[];
}

/** Comparisons, as the lexer reads them (PostgreSQL's `~*`, `!~`, MySQL's `<=>`, SQLite's `==` are one token). */
const OPERATORS = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>', '~', '~*', '!~', '!~*', '~~', '~~*', '!~~', '!~~*',
  'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'SIMILAR', 'REGEXP', 'RLIKE', 'GLOB']);
/** The JSON operators whose right side is a key or path: `data->>'password'`, `data #>> '{auth,token}'`. */
const JSON_KEY_OPERATORS = new Set(['->', '->>', '#>', '#>>']);
/** Words that end a value expression at depth 0. */
const BOUNDARIES = new Set([
  'AND', 'OR', 'WHERE', 'SET', 'FROM', 'ORDER', 'GROUP', 'LIMIT', 'OFFSET', 'RETURNING', 'HAVING', 'ON', 'JOIN',
  'UNION', 'WHEN', 'THEN', 'ELSE', 'END', 'VALUES', 'SELECT', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'WINDOW',
  'FOR', 'USING', 'DO', 'EXCEPT', 'INTERSECT',
]);
/** Words that end a select list (CASE … WHEN … END inside an element does not). */
const SELECT_LIST_END = new Set([
  'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'INTERSECT', 'EXCEPT', 'RETURNING', 'ON',
  'WINDOW', 'FOR', 'FETCH', 'INTO',
]);
const SET_OPERATIONS = new Set(['UNION', 'INTERSECT', 'EXCEPT']);
const LITERAL_SQL = `'${REDACTED}'`;

const isOperator = (t: Token) => (t.type === 'punct' || t.type === 'word') && OPERATORS.has(t.value);
const isBoundary = (t: Token) => t.type === 'word' && BOUNDARIES.has(t.value);

/**
 * Reads which values of `sql` are bound to secret columns. Patterns: a comparison (`=`, `<>`,
 * `LIKE`, `IN (…)`…) with a secret column on one side hides every value on the other side, each
 * side read whole, through functions and casts (`md5($1) = md5(password)`, `$1::text = u.token`,
 * `crypt($1, password_hash) = password_hash`), but not through a subquery; `SET col = …`;
 * `INSERT … (cols) VALUES (…), (…)` and `INSERT … (cols) SELECT …[ UNION ALL SELECT …]` by
 * position; `(cols) = (…)`; placeholders whose own name is secret (`:password`); mysql2's
 * `VALUES ?` rows and `SET ?` objects. Returns null when nothing is secret.
 *
 * @example
 * secretPlan('UPDATE users SET password = $2 WHERE id = $1', 'postgres', isSecretName)
 * // { positions: [1], names: [], rowColumns: [], objectKeys: false, sql: null, literals: [] }
 * secretPlan("SELECT * FROM users WHERE token = 'abc'", 'mysql', isSecretName)?.sql
 * // "SELECT * FROM users WHERE token = '[redacted]'"
 */
export function secretPlan(sql: string, dialect: Dialect, isSecret: NameMatcher): SecretPlan | null {
  const { tokens, bindings } = bindTokens(sql, dialect);
  const n = tokens.length;
  const { match, scope } = structure(tokens);
  const rowColumns: SecretPlan['rowColumns'] = [];
  let objectKeys = false;
  const namedSecrets = new Set<Token>();
  // Ranges to hide, summed in one pass at the end (a difference array): marking each range token
  // by token would be quadratic in SQL that nests comparisons.
  const cover = new Int32Array(n + 1);
  const markRange = (from: number, to: number) => {
    if (from >= to) return;
    cover[from]++;
    cover[to]--;
  };

  /** A secret column named here: not a function (`password(…)`), a qualifier (`tokens.id`) or a type. */
  const isSecretColumn = (i: number) => {
    const t = tokens[i];
    if (t.type === 'string') {
      // MySQL reads `"password"` as a string unless ANSI_QUOTES is on: a column either way here.
      if (dialect === 'mysql' && sql[t.start] === '"') return isSecret(t.value.slice(1, -1));
      const text = literalValue(t.value, dialect);
      // A JSON key: `data->>'password'`, `data #>> '{auth,token}'`, MySQL's `'$.auth.token'` path.
      if (tokens[i - 1]?.type === 'punct' && JSON_KEY_OPERATORS.has(tokens[i - 1].value)) return isSecret(text);
      if (/^\$[.[]/.test(text)) return isSecret(text.split(/[$.[\]"' ]+/).filter(Boolean).pop() ?? '');
      return false;
    }
    if (!isName(t) || (t.type === 'word' && (isBoundary(t) || OPERATORS.has(t.value)))) return false;
    if (isPunct(tokens[i + 1], '(') || isPunct(tokens[i + 1], '.') || isPunct(tokens[i - 1], '::') || isWord(tokens[i - 1], 'AS')) return false;
    return isSecret(columnName(sql, t));
  };
  const secretColumnsByScope = new Map<number, number[]>();
  // A JSON key named like a secret is a column here, never a value to hide.
  const isReference = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isSecretColumn(i)) continue;
    isReference[i] = 1;
    const list = secretColumnsByScope.get(scope[i]);
    if (list) list.push(i);
    else secretColumnsByScope.set(scope[i], [i]);
  }
  /** Whether tokens [from, to) name a secret column of the given subquery scope. */
  const namesSecret = (from: number, to: number, where: number) => {
    const list = secretColumnsByScope.get(where);
    if (!list) return false;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid] < from) low = mid + 1;
      else high = mid;
    }
    return low < list.length && list[low] < to;
  };

  /** Where the operand ending just before `end` starts: back to a `(`, `,`, boundary word or another comparison. */
  const operandStart = (end: number) => {
    let i = end - 1;
    for (; i >= 0; i--) {
      const t = tokens[i];
      if (isPunct(t, ')')) {
        if (match[i] < 0) break;
        i = match[i];
        continue;
      }
      if (isPunct(t, '(') || isPunct(t, ',') || isPunct(t, ';') || isBoundary(t) || isOperator(t)) break;
    }
    return i + 1;
  };
  /** Just past the value expression that starts at `from`; `ends` null: a tuple element (only `,` and `)` end it). */
  const valueEnd = (from: number, ends: Set<string> | null = BOUNDARIES) => {
    let i = from;
    for (; i < n; i++) {
      const t = tokens[i];
      if (isPunct(t, '(')) {
        if (match[i] < 0) return n;
        i = match[i];
        continue;
      }
      if (isPunct(t, ')') || isPunct(t, ',') || isPunct(t, ';')) break;
      if (ends && t.type === 'word' && ends.has(t.value)) break;
      if (ends === BOUNDARIES && i > from && isOperator(t)) break;
    }
    return i;
  };
  /** The elements of a tuple `( e1, e2, … )` at `open`: [start, end) token ranges; null if not one. */
  const tupleElements = (open: number): [number, number][] | null => {
    if (!isPunct(tokens[open], '(') || match[open] < 0) return null;
    const elements: [number, number][] = [];
    for (let start = open + 1; ;) {
      const end = valueEnd(start, null);
      elements.push([start, end]);
      if (end === match[open]) return elements;
      if (!isPunct(tokens[end], ',')) return null;
      start = end + 1;
    }
  };
  /** `INSERT INTO [schema.]table [AS alias] (` — the column list at `open` names an insert's target. */
  const isInsertColumns = (open: number) => {
    let j = open - 1;
    if (isName(tokens[j]) && isWord(tokens[j - 1], 'AS')) j -= 2;
    if (!isName(tokens[j])) return false;
    while (isPunct(tokens[j - 1], '.') && isName(tokens[j - 2])) j -= 2;
    const before = tokens[j - 1];
    return before !== undefined && ['INTO', 'INSERT', 'REPLACE', 'IGNORE'].some((word) => isWord(before, word));
  };
  /** `SELECT a, b … [UNION [ALL] SELECT c, d …]` from `select`: hides the elements in secret columns' positions. */
  const markSelectLists = (select: number, columns: string[]) => {
    for (let at = select + 1; ;) {
      if (isWord(tokens[at], 'DISTINCT') || isWord(tokens[at], 'ALL')) at++;
      if (isWord(tokens[at], 'ON') && isPunct(tokens[at + 1], '(') && match[at + 1] > 0) at = match[at + 1] + 1;
      for (let index = 0; ; index++) {
        const end = valueEnd(at, SELECT_LIST_END);
        if (index < columns.length && isSecret(columns[index])) markRange(at, end);
        at = end;
        if (!isPunct(tokens[end], ',')) break;
        at = end + 1;
      }
      // The next SELECT of a set operation, at this level.
      while (at < n && !(tokens[at].type === 'word' && SET_OPERATIONS.has(tokens[at].value))) {
        if (isPunct(tokens[at], ')') || isPunct(tokens[at], ';')) return;
        at = isPunct(tokens[at], '(') && match[at] > 0 ? match[at] + 1 : at + 1;
      }
      if (at >= n) return;
      at++;
      if (isWord(tokens[at], 'ALL') || isWord(tokens[at], 'DISTINCT')) at++;
      if (!isWord(tokens[at], 'SELECT')) return;
    }
  };

  for (let k = 0; k < n; k++) {
    const t = tokens[k];
    const binding = bindings.get(t);
    if (binding && 'name' in binding) {
      objectKeys = true;
      if (isSecret(binding.name)) namedSecrets.add(t);
    }
    // mysql2 `SET ?`: an object whose keys are the columns.
    if (t.type === 'param' && isWord(tokens[k - 1], 'SET')) objectKeys = true;

    // `crypt($2, gen_salt('bf')) AS password`: a value named like a secret column.
    if (isWord(t, 'AS') && isName(tokens[k + 1]) && !isPunct(tokens[k + 2], '(') && isSecret(columnName(sql, tokens[k + 1]))) {
      markRange(operandStart(k), k);
    }
    // `set_password($1, $2)`, MySQL's `PASSWORD(?)`: a function named like a secret takes secrets.
    if (isName(t) && !isBoundary(t) && isPunct(tokens[k + 1], '(') && match[k + 1] > 0 && isSecret(columnName(sql, t))) {
      markRange(k + 2, match[k + 1]);
    }
    // `a IS [NOT] DISTINCT FROM b`: one comparison of four words.
    const distinctFrom = isWord(t, 'DISTINCT') && isWord(tokens[k + 1], 'FROM')
      && (isWord(tokens[k - 1], 'IS') || (isWord(tokens[k - 1], 'NOT') && isWord(tokens[k - 2], 'IS')));
    if (isOperator(t) || distinctFrom) {
      const leftEnd = distinctFrom ? (isWord(tokens[k - 1], 'IS') ? k - 1 : k - 2) : isWord(tokens[k - 1], 'NOT') ? k - 1 : k;
      const leftStart = operandStart(leftEnd);
      let rightEnd = valueEnd(distinctFrom ? k + 2 : k + 1);
      // `BETWEEN a AND b`: both bounds.
      if (isWord(t, 'BETWEEN') && isWord(tokens[rightEnd], 'AND')) rightEnd = valueEnd(rightEnd + 1);
      // `(a, b) = ($1, $2)`: pair by position.
      const columns = t.value === '=' && leftEnd - 1 > leftStart && match[leftEnd - 1] === leftStart ? columnList(sql, tokens, leftStart) : null;
      const tuple = columns && match[k + 1] === rightEnd - 1 ? tupleElements(k + 1) : null;
      if (columns && tuple) {
        tuple.forEach(([from, to], i) => {
          if (columns[i] !== undefined && isSecret(columns[i])) markRange(from, to);
        });
      } else {
        if (namesSecret(leftStart, leftEnd, scope[k])) markRange(k + 1, rightEnd);
        if (namesSecret(k + 1, rightEnd, scope[k])) markRange(leftStart, leftEnd);
      }
    }

    // `(cols) VALUES (…), (…)`, mysql2's `(cols) VALUES ?`, `(cols) SELECT …`
    const listOpen = isPunct(tokens[k - 1], ')') ? match[k - 1] : -1;
    if (listOpen < 0 || !(isWord(t, 'VALUES') || isWord(t, 'SELECT'))) continue;
    const columns = columnList(sql, tokens, listOpen);
    if (!columns || !columns.some((name) => isSecret(name))) continue;
    if (t.value === 'SELECT') {
      if (isInsertColumns(listOpen)) markSelectLists(k, columns);
      continue;
    }
    const secretColumns = columns.flatMap((name, i) => (isSecret(name) ? [i] : []));
    const bulk = bindings.get(tokens[k + 1]);
    if (bulk && 'position' in bulk) {
      rowColumns.push({ position: bulk.position, columns: secretColumns });
      continue;
    }
    for (let next = k + 1, tuple = tupleElements(next); tuple; tuple = tupleElements(next)) {
      for (const i of secretColumns) if (tuple[i]) markRange(tuple[i][0], tuple[i][1]);
      next = match[next] + 1;
      if (!isPunct(tokens[next], ',')) break;
      next++;
    }
  }

  const positions = new Set<number>();
  const names = new Set<string>();
  const literals: Token[] = [];
  const hide = (token: Token) => {
    const bound = bindings.get(token);
    if (bound && 'position' in bound) positions.add(bound.position);
    else if (bound) names.add(bound.name);
    else if (token.type !== 'param') literals.push(token);
  };
  for (let i = 0, depth = 0; i < n; i++) {
    depth += cover[i];
    if ((depth > 0 && isValue(tokens[i]) && !isReference[i]) || namedSecrets.has(tokens[i])) hide(tokens[i]);
  }
  if (positions.size === 0 && names.size === 0 && literals.length === 0 && rowColumns.length === 0 && !objectKeys) return null;
  let redactedSql: string | null = null;
  if (literals.length > 0) {
    let out = '';
    let at = 0;
    for (const literal of literals) {
      out += sql.slice(at, literal.start) + LITERAL_SQL;
      at = literal.end;
    }
    redactedSql = out + sql.slice(at);
  }
  return {
    positions: [...positions].sort((a, b) => a - b), names: [...names], rowColumns, objectKeys, sql: redactedSql,
    literals: literals.map((literal) => literalValue(sql.slice(literal.start, literal.end), dialect)),
  };
}
