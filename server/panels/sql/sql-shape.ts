/*
 * Just enough of a query's structure to write a fix in the user's own names: the statement, the
 * table it reads (and its alias, which sequelize and typeorm set to the model's name), the select
 * list, and the `column = value` / `IN (…)` / `= ANY(…)` comparisons of its WHERE clause. A small
 * tokenizer, not a parser: it reads what ORMs and people write, in every quoting style, and
 * answers null where it is unsure.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** As written. */
  text: string;
  /** Identifiers without their quotes; keywords lower-cased; the same as `text` otherwise. */
  value: string;
  start: number;
  end: number;
  /** For `param`: the 0-based position in the params array, when the placeholder says it. */
  paramIndex?: number;
}

/** A comparison of one column with the value that changes from one run to the next. */
export interface SqlFilter {
  column: string;
  /** The table or alias before the column: `"Author"` in `"Author"."id"`, unquoted. */
  qualifier: string | null;
  /** The column reference as written, quotes included: `"Author"."id"`. */
  columnSql: string;
  operator: '=' | 'in' | 'any';
  /** The 0-based params index the value is bound to; null for an inlined literal. */
  paramIndex: number | null;
  /** The value as written (`$1`, `?`, `42`, `'x'`, `($1, $2)`). */
  valueSql: string;
  /** Where the whole comparison is in the SQL text: a fix rewrites just this span. */
  start: number;
  end: number;
}

export interface SqlShape {
  statement: 'select' | 'insert' | 'update' | 'delete' | 'other';
  /** The table read (or written), unquoted, without its schema: `authors`. */
  table: string | null;
  /** The table as written, schema and quotes included: `"public"."authors"`. */
  tableSql: string | null;
  alias: string | null;
  /** Plain column names of the select list; null for `*` or when it holds expressions. */
  columns: string[] | null;
  /** The select list as written. */
  selectSql: string | null;
  filters: SqlFilter[];
  /** A trailing `LIMIT 1` or `LIMIT $n` (a `findOne`/`.first()`), as its span. */
  limit: { start: number; end: number } | null;
}

const CLAUSE_END = new Set(['group', 'order', 'limit', 'offset', 'having', 'window', 'for', 'returning', 'union',
  'except', 'intersect', 'fetch']);
const FROM_END = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using',
  ...CLAUSE_END]);

function unquote(text: string): string {
  const open = text[0];
  if (open === '"' || open === '`') return text.slice(1, -1).split(open + open).join(open);
  if (open === '[') return text.slice(1, -1);
  return text;
}

function endOfQuoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) { i += 2; continue; }
      return i + 1;
    }
    if (close === "'" && sql[i] === '\\') { i += 2; continue; }
    i++;
  }
  return sql.length;
}

/** Splits SQL into tokens, skipping comments and spaces. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let questionMarks = 0;
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string, paramIndex?: number) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, start: i, end, ...(paramIndex === undefined ? {} : { paramIndex }) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-') { while (i < sql.length && sql[i] !== '\n') i++; continue; }
    if (c === '/' && next === '*') { const end = sql.indexOf('*/', i + 2); i = end < 0 ? sql.length : end + 2; continue; }
    if (c === "'") { push('string', endOfQuoted(sql, i, "'")); continue; }
    if (c === '"' || c === '`') { const end = endOfQuoted(sql, i, c); push('quoted', end, unquote(sql.slice(i, end))); continue; }
    if (c === '[' && /[A-Za-z_]/.test(next ?? '')) {
      const end = endOfQuoted(sql, i, ']');
      push('quoted', end, unquote(sql.slice(i, end)));
      continue;
    }
    const dollar = c === '$' ? /^\$(\d+)/.exec(sql.slice(i, i + 12)) : null;
    if (dollar) { push('param', i + dollar[0].length, undefined, Number(dollar[1]) - 1); continue; }
    if (c === '?') { push('param', i + 1, undefined, questionMarks++); continue; }
    if ((c === ':' || c === '@') && /[A-Za-z_]/.test(next ?? '') && sql[i - 1] !== ':') {
      const match = /^[:@][A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 130));
      push('param', i + (match?.[0].length ?? 1));
      continue;
    }
    if (/[0-9]/.test(c)) { const match = /^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?/i.exec(sql.slice(i, i + 64)); push('number', i + match![0].length); continue; }
    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 130));
      const end = i + match![0].length;
      push('word', end, match![0].toLowerCase());
      continue;
    }
    const two = sql.slice(i, i + 2);
    push('punct', ['<>', '!=', '<=', '>=', '::', '||'].includes(two) ? i + 2 : i + 1);
  }
  return tokens;
}

const isIdentifier = (token: Token | undefined) => token !== undefined && (token.kind === 'quoted' || token.kind === 'word');

/** `a`, `"s"."t"`, `` `db`.`t` ``: the last part is the name, the one before it the qualifier. */
function readDotted(tokens: Token[], at: number): { parts: string[]; next: number } | null {
  if (!isIdentifier(tokens[at])) return null;
  const parts = [tokens[at].value];
  let i = at + 1;
  while (tokens[i]?.text === '.' && isIdentifier(tokens[i + 1])) {
    parts.push(tokens[i + 1].value);
    i += 2;
  }
  return { parts, next: i };
}

/** Index of the matching `)` for the `(` at `open`, or -1. */
function closeParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level index of the first word in `words` at or after `from`, or `tokens.length`. */
function findTopLevel(tokens: Token[], from: number, words: Set<string>): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && words.has(t.value)) return i;
  }
  return tokens.length;
}

function readSelectList(sql: string, tokens: Token[], from: number, to: number): Pick<SqlShape, 'columns' | 'selectSql'> {
  if (from >= to) return { columns: null, selectSql: null };
  const selectSql = sql.slice(tokens[from].start, tokens[to - 1].end);
  if (tokens[from].value === 'distinct') from++;
  const columns: string[] = [];
  let i = from;
  while (i < to) {
    const ref = readDotted(tokens, i);
    if (!ref || ref.parts.at(-1) === '*') return { columns: null, selectSql };
    i = ref.next;
    if (tokens[i]?.value === 'as') i += 2;
    else if (i < to && isIdentifier(tokens[i]) && tokens[i].text !== ',') i += 1;
    columns.push(ref.parts.at(-1)!);
    if (i < to && tokens[i].text !== ',') return { columns: null, selectSql };
    i++;
  }
  return { columns, selectSql };
}

function readValue(tokens: Token[], at: number): { paramIndex: number | null; end: number } | null {
  const t = tokens[at];
  if (!t) return null;
  if (t.kind === 'param') return { paramIndex: t.paramIndex ?? null, end: at };
  if (t.kind === 'number' || t.kind === 'string') return { paramIndex: null, end: at };
  if (t.text === '-' && tokens[at + 1]?.kind === 'number') return { paramIndex: null, end: at + 1 };
  return null;
}

function readFilters(sql: string, tokens: Token[], from: number, to: number): SqlFilter[] {
  const filters: SqlFilter[] = [];
  for (let i = from; i < to; i++) {
    const ref = readDotted(tokens, i);
    if (!ref || ref.parts.some((part, k) => tokens[i + 2 * k].kind === 'word' && ['and', 'or', 'not', 'where'].includes(part))) continue;
    let j = ref.next;
    // `"x"::int = $1`, `x::text IN (…)`
    if (tokens[j]?.text === '::' && isIdentifier(tokens[j + 1])) j += 2;
    const base = {
      column: ref.parts.at(-1)!, qualifier: ref.parts.length > 1 ? ref.parts.at(-2)! : null,
      columnSql: sql.slice(tokens[i].start, tokens[ref.next - 1].end), start: tokens[i].start,
    };
    const op = tokens[j];
    if (op?.text === '=' && tokens[j + 1]?.value === 'any' && tokens[j + 2]?.text === '(') {
      const close = closeParen(tokens, j + 2);
      const value = readValue(tokens, j + 3);
      if (close > 0 && value) {
        filters.push({ ...base, operator: 'any', paramIndex: value.paramIndex, valueSql: sql.slice(tokens[j + 2].start, tokens[close].end), end: tokens[close].end });
        i = close;
        continue;
      }
    }
    if (op?.text === '=') {
      const value = readValue(tokens, j + 1);
      if (value) {
        const last = tokens[value.end];
        filters.push({ ...base, operator: '=', paramIndex: value.paramIndex, valueSql: sql.slice(tokens[j + 1].start, last.end), end: last.end });
        i = value.end;
        continue;
      }
    }
    if (op?.value === 'in' && op.kind === 'word' && tokens[j + 1]?.text === '(') {
      const close = closeParen(tokens, j + 1);
      const inner = tokens.slice(j + 2, close);
      if (close > 0 && inner.length > 0 && inner.every((t) => t.text === ',' || readValue([t], 0))) {
        const first = inner.find((t) => t.kind === 'param');
        filters.push({
          ...base, operator: 'in', paramIndex: inner.length === 1 && first ? first.paramIndex ?? null : null,
          valueSql: sql.slice(tokens[j + 1].start, tokens[close].end), end: tokens[close].end,
        });
        i = close;
        continue;
      }
    }
    i = ref.next - 1;
  }
  return filters;
}

function readTable(tokens: Token[], at: number, end: number): Pick<SqlShape, 'table' | 'tableSql' | 'alias'> & { next: number } {
  const ref = readDotted(tokens, at);
  if (!ref || ref.next > end) return { table: null, tableSql: null, alias: null, next: at };
  const tableSql = tokens.slice(at, ref.next).map((t) => t.text).join('');
  let i = ref.next;
  if (tokens[i]?.value === 'as' && tokens[i].kind === 'word') i++;
  const aliasToken = tokens[i];
  const alias = i < end && isIdentifier(aliasToken) && !(aliasToken.kind === 'word' && FROM_END.has(aliasToken.value) || aliasToken.value === 'set')
    ? aliasToken.value : null;
  return { table: ref.parts.at(-1)!, tableSql, alias, next: alias ? i + 1 : i };
}

const shapes = new Map<string, SqlShape>();

/**
 * The parts of a query a fix needs; parses each distinct SQL text once.
 *
 * @example
 * sqlShape('SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = 1')
 * // { statement: 'select', table: 'authors', alias: 'Author', columns: ['id', 'name'],
 * //   filters: [{ column: 'id', qualifier: 'Author', operator: '=', paramIndex: null, … }], … }
 */
export function sqlShape(sql: string): SqlShape {
  let shape = shapes.get(sql);
  if (!shape) {
    shape = parseShape(sql);
    if (shapes.size > 2000) shapes.clear();
    shapes.set(sql, shape);
  }
  return shape;
}

function parseShape(sql: string): SqlShape {
  const tokens = tokenize(sql);
  const empty: SqlShape = { statement: 'other', table: null, tableSql: null, alias: null, columns: null, selectSql: null, filters: [], limit: null };
  let start = 0;
  // `WITH x AS (…) SELECT …`: the shape is the main statement's.
  if (tokens[0]?.value === 'with') {
    start = findTopLevel(tokens, 1, new Set(['select', 'insert', 'update', 'delete']));
  }
  const keyword = tokens[start]?.value;
  if (keyword === 'select') {
    const from = findTopLevel(tokens, start + 1, new Set(['from']));
    const list = readSelectList(sql, tokens, start + 1, from);
    const fromEnd = findTopLevel(tokens, from + 1, FROM_END);
    const table = from < tokens.length ? readTable(tokens, from + 1, fromEnd) : { table: null, tableSql: null, alias: null };
    const where = findTopLevel(tokens, from, new Set(['where']));
    const whereEnd = findTopLevel(tokens, where + 1, CLAUSE_END);
    const limitAt = findTopLevel(tokens, where < tokens.length ? whereEnd : fromEnd, new Set(['limit']));
    const limitValue = tokens[limitAt + 1];
    const limit = limitValue && (limitValue.text === '1' || limitValue.kind === 'param') && limitAt + 2 >= tokens.length - (tokens.at(-1)?.text === ';' ? 1 : 0)
      ? { start: tokens[limitAt].start, end: limitValue.end } : null;
    return {
      ...empty, statement: 'select', ...list, table: table.table, tableSql: table.tableSql, alias: table.alias,
      filters: where < tokens.length ? readFilters(sql, tokens, where + 1, whereEnd) : [], limit,
    };
  }
  if (keyword === 'insert' || keyword === 'delete') {
    const into = tokens.findIndex((t, k) => k > start && t.kind === 'word' && (t.value === 'into' || t.value === 'from'));
    const table = into > 0 ? readTable(tokens, into + 1, tokens.length) : { table: null, tableSql: null, alias: null };
    const where = findTopLevel(tokens, start, new Set(['where']));
    return {
      ...empty, statement: keyword, table: table.table, tableSql: table.tableSql, alias: table.alias,
      filters: where < tokens.length ? readFilters(sql, tokens, where + 1, findTopLevel(tokens, where + 1, CLAUSE_END)) : [],
    };
  }
  if (keyword === 'update') {
    const table = readTable(tokens, start + 1, tokens.length);
    const where = findTopLevel(tokens, start, new Set(['where']));
    return {
      ...empty, statement: 'update', table: table.table, tableSql: table.tableSql, alias: table.alias,
      filters: where < tokens.length ? readFilters(sql, tokens, where + 1, findTopLevel(tokens, where + 1, CLAUSE_END)) : [],
    };
  }
  return empty;
}
