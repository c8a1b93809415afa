/*
 * Just enough of a query's structure to write a fix in the user's own names: the statement, the
 * tables it reads (with their aliases, which sequelize and typeorm set to model and relation
 * names), the select list, the `column = value` / `IN (…)` / `= ANY(…)` comparisons wherever
 * they sit (WHERE, JOIN … ON, a subquery), and what makes a query per-row (ORDER BY, LIMIT,
 * DISTINCT, GROUP BY, aggregates). A small tokenizer, not a parser: it reads what ORMs and people
 * write, in every quoting style, and answers null where it is unsure.
 */
import type { Dialect } from '../../types.js';
import { closeParen, findTopLevel, isIdentifier, readDotted, tokenize, type Token } from './sql-tokenize.js';
import { readClauses, type SqlClauses } from './sql-clauses.js';
import { readFromTables, type SqlTable } from './sql-tables.js';

export { tokenize, type Token, type TokenKind } from './sql-tokenize.js';
export type { ColumnRef, SqlClauses, SqlOrderItem } from './sql-clauses.js';
export type { SqlTable } from './sql-tables.js';

/** A comparison of one column with a value (a placeholder or a literal). */
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
  /** Where the value is in the SQL text. */
  valueStart: number;
  valueEnd: number;
  /** The clause it sits in: the WHERE, a JOIN's ON, or a subquery's WHERE/ON (`subquery: true`). */
  clause: 'where' | 'on';
  subquery: boolean;
  /**
   * The table the column belongs to: from its qualifier, or the only table of the FROM; null when
   * unqualified in a FROM of several tables (then only the ORM's or the catalog's columns can say).
   */
  table: string | null;
}

/** One item of a select list: a column (`"a"."b" AS "c"`), a star (`*`, `t.*`) or an expression. */
export interface SqlSelectItem {
  /** The column read, for a plain column reference. */
  column: string | null;
  qualifier: string | null;
  star: boolean;
  /** The key of this value in each result row: the alias, else the column; null for an unnamed expression. */
  output: string | null;
}

export interface SqlShape extends SqlClauses {
  statement: 'select' | 'insert' | 'update' | 'delete' | 'other';
  /** The table read (or written), unquoted, without its schema: `authors`. */
  table: string | null;
  /** The table as written, schema and quotes included: `"public"."authors"`. */
  tableSql: string | null;
  alias: string | null;
  /** Every table of the FROM and its JOINs, the first being `table`. */
  tables: SqlTable[];
  /** Plain column names of the select list; null for `*` or when it holds expressions. */
  columns: string[] | null;
  /** The select list as written. */
  selectSql: string | null;
  /** Where the select list is in the SQL text (after DISTINCT). */
  selectRange: { start: number; end: number } | null;
  /** The select list's items, with the name each gets in the result rows; null when unread. */
  selectItems: SqlSelectItem[] | null;
  filters: SqlFilter[];
  /** A trailing `LIMIT 1` or `LIMIT $n` (a `findOne`/`.first()`), as its span. */
  limit: { start: number; end: number } | null;
}

function readSelectList(sql: string, tokens: Token[], from: number, to: number): Pick<SqlShape, 'columns' | 'selectSql' | 'selectRange' | 'selectItems'> {
  if (tokens[from]?.value === 'distinct') {
    from++;
    // PostgreSQL's DISTINCT ON (…)
    if (tokens[from]?.value === 'on' && tokens[from + 1]?.text === '(') from = closeParen(tokens, from + 1) + 1;
  }
  if (from >= to) return { columns: null, selectSql: null, selectRange: null, selectItems: null };
  const selectRange = { start: tokens[from].start, end: tokens[to - 1].end };
  const selectSql = sql.slice(selectRange.start, selectRange.end);
  const items: SqlSelectItem[] = [];
  let plain = true;
  let i = from;
  while (i < to) {
    let depth = 0;
    let end = i;
    while (end < to && !(depth === 0 && tokens[end].text === ',')) {
      if (tokens[end].text === '(') depth++;
      else if (tokens[end].text === ')') depth--;
      end++;
    }
    let aliasAt = end - 1;
    let body = end;
    if (end - i >= 2 && isIdentifier(tokens[aliasAt]) && (tokens[aliasAt - 1]?.value === 'as' || tokens[aliasAt - 1]?.kind !== 'punct' || tokens[aliasAt - 1]?.text === ')')) {
      body = tokens[aliasAt - 1]?.value === 'as' ? aliasAt - 1 : aliasAt;
    } else {
      aliasAt = -1;
    }
    const alias = aliasAt >= 0 ? tokens[aliasAt].name : null;
    const ref = readDotted(tokens, i);
    const star = tokens[body - 1]?.text === '*' && (body - 1 === i || tokens[body - 2]?.text === '.');
    if (star) {
      items.push({ column: null, qualifier: body - 1 === i ? null : tokens[body - 3]?.name ?? null, star: true, output: null });
      plain = false;
    } else if (ref && ref.next === body) {
      items.push({ column: ref.parts.at(-1)!, qualifier: ref.parts.length > 1 ? ref.parts.at(-2)! : null, star: false, output: alias ?? ref.parts.at(-1)! });
    } else {
      items.push({ column: null, qualifier: null, star: false, output: alias });
      plain = false;
    }
    i = end + 1;
  }
  return { columns: plain ? items.map((item) => item.column!) : null, selectSql, selectRange, selectItems: items };
}

function readValue(tokens: Token[], at: number): { paramIndex: number | null; end: number } | null {
  const t = tokens[at];
  if (!t) return null;
  if (t.kind === 'param') return { paramIndex: t.paramIndex ?? null, end: at };
  if (t.kind === 'number' || t.kind === 'string') return { paramIndex: null, end: at };
  if (t.text === '-' && tokens[at + 1]?.kind === 'number') return { paramIndex: null, end: at + 1 };
  return null;
}

type FilterBase = Omit<SqlFilter, 'clause' | 'subquery' | 'table'>;

/** Every `column op value` comparison between two token positions, nested ones included. */
function readFilters(sql: string, tokens: Token[], from: number, to: number): FilterBase[] {
  const filters: FilterBase[] = [];
  for (let i = from; i < to; i++) {
    const ref = readDotted(tokens, i);
    if (!ref || ref.parts.some((_part, k) => tokens[i + 2 * k].kind === 'word' && ['and', 'or', 'not', 'where', 'on'].includes(tokens[i + 2 * k].value))) continue;
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
        filters.push({
          ...base, operator: 'any', paramIndex: value.paramIndex, valueSql: sql.slice(tokens[j + 2].start, tokens[close].end),
          end: tokens[close].end, valueStart: tokens[j + 2].start, valueEnd: tokens[close].end,
        });
        i = close;
        continue;
      }
    }
    if (op?.text === '=') {
      const value = readValue(tokens, j + 1);
      if (value) {
        const last = tokens[value.end];
        filters.push({
          ...base, operator: '=', paramIndex: value.paramIndex, valueSql: sql.slice(tokens[j + 1].start, last.end), end: last.end,
          valueStart: tokens[j + 1].start, valueEnd: last.end,
        });
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
          valueStart: tokens[j + 1].start, valueEnd: tokens[close].end,
        });
        i = close;
        continue;
      }
    }
    i = ref.next - 1;
  }
  return filters;
}

function readTable(tokens: Token[], at: number, end: number): Pick<SqlShape, 'table' | 'tableSql' | 'alias'> {
  const [table] = readFromTables(tokens, at - 1, end).filter((t) => t.kind === 'from');
  return table ? { table: table.table, tableSql: table.tableSql, alias: table.alias } : { table: null, tableSql: null, alias: null };
}

/** The filters of a statement with their clause and table: WHERE and ON ones only, at any depth. */
function placedFilters(sql: string, tokens: Token[], from: number, clauses: SqlClauses & { tables: SqlTable[] }): SqlFilter[] {
  const out: SqlFilter[] = [];
  const byName = new Map<string, string>();
  for (const t of clauses.allTables) {
    byName.set(t.table.toLowerCase(), t.table);
    if (t.alias) byName.set(t.alias.toLowerCase(), t.table);
  }
  for (const filter of readFilters(sql, tokens, from, tokens.length)) {
    const place = clauses.placeAt(filter.start);
    if (!place || (place.clause !== 'where' && place.clause !== 'on')) continue;
    const table = filter.qualifier ? byName.get(filter.qualifier.toLowerCase()) ?? null
      : place.subquery ? null : clauses.tables.length === 1 ? clauses.tables[0].table : null;
    out.push({ ...filter, clause: place.clause, subquery: place.subquery, table });
  }
  // The main statement's own comparisons first: they are the ones a fix rewrites most simply.
  return out.sort((a, b) => Number(a.subquery) - Number(b.subquery) || Number(a.clause === 'on') - Number(b.clause === 'on'));
}

const shapes: Record<Dialect, Map<string, SqlShape>> = { postgres: new Map(), mysql: new Map(), sqlite: new Map() };

/**
 * The parts of a query a fix needs, read the way `dialect`'s server reads the text; parses each
 * distinct SQL text once.
 *
 * @example
 * sqlShape('SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = 1', 'postgres')
 * // { statement: 'select', table: 'authors', alias: 'Author', columns: ['id', 'name'],
 * //   filters: [{ column: 'id', qualifier: 'Author', operator: '=', clause: 'where', table: 'authors', … }], … }
 */
export function sqlShape(sql: string, dialect: Dialect): SqlShape {
  const cache = shapes[dialect];
  let shape = cache.get(sql);
  if (!shape) {
    shape = parseShape(sql, dialect);
    if (cache.size > 2000) cache.clear();
    cache.set(sql, shape);
  }
  return shape;
}

const NO_CLAUSES: SqlClauses = {
  orderBy: null, limitClause: null, offset: null, distinct: false, groupBy: null, aggregate: false, unreadConditions: false,
  joinEqualities: [], allTables: [], placeAt: () => null,
};

function parseShape(sql: string, dialect: Dialect): SqlShape {
  const tokens = tokenize(sql, dialect);
  const empty: SqlShape = {
    ...NO_CLAUSES, statement: 'other', table: null, tableSql: null, alias: null, tables: [], columns: null, selectSql: null,
    selectRange: null, selectItems: null, filters: [], limit: null,
  };
  let start = 0;
  // `WITH x AS (…) SELECT …`: the shape is the main statement's.
  if (tokens[0]?.value === 'with') {
    start = findTopLevel(tokens, 1, new Set(['select', 'insert', 'update', 'delete']));
  }
  const keyword = tokens[start]?.value;
  if (keyword === 'select') {
    const from = findTopLevel(tokens, start + 1, new Set(['from']));
    const list = readSelectList(sql, tokens, start + 1, from);
    const clauses = readClauses(sql, tokens, start, from);
    const tables = from < tokens.length ? readFromTables(tokens, from, tokens.length) : [];
    const main = tables[0];
    const limit = clauses.limitClause && (clauses.limitClause.value === 1 || clauses.limitClause.paramIndex !== null) && clauses.limitClause.trailing
      ? { start: clauses.limitClause.start, end: clauses.limitClause.end } : null;
    return {
      ...empty, ...clauses, statement: 'select', ...list, table: main?.table ?? null, tableSql: main?.tableSql ?? null,
      alias: main?.alias ?? null, tables, filters: placedFilters(sql, tokens, from, { ...clauses, tables }), limit,
    };
  }
  if (keyword === 'insert' || keyword === 'delete') {
    const into = tokens.findIndex((t, k) => k > start && t.kind === 'word' && (t.value === 'into' || t.value === 'from'));
    const table = into > 0 ? readTable(tokens, into + 1, tokens.length) : { table: null, tableSql: null, alias: null };
    return statementWithWhere(sql, tokens, start, keyword, table, empty);
  }
  if (keyword === 'update') {
    return statementWithWhere(sql, tokens, start, 'update', readTable(tokens, start + 1, tokens.length), empty);
  }
  return empty;
}

function statementWithWhere(sql: string, tokens: Token[], start: number, statement: SqlShape['statement'],
  table: Pick<SqlShape, 'table' | 'tableSql' | 'alias'>, empty: SqlShape): SqlShape {
  const clauses = readClauses(sql, tokens, start, start + 1);
  const tables = table.table ? [{ ...table, table: table.table, tableSql: table.tableSql!, kind: 'from' as const }] : [];
  return {
    ...empty, statement, ...table, tables, filters: placedFilters(sql, tokens, start, { ...clauses, allTables: tables, tables }),
    unreadConditions: clauses.unreadConditions,
  };
}
