import type { Dialect } from '../../../types.js';
import { tokenize } from '../sql-tokenize.js';
import type { SqlFilter, SqlShape } from '../sql-shape.js';
import { literal } from './code.js';

/*
 * The user's own per-row SQL rewritten to run once for every value the loop looked up, keeping
 * what made it per-row: a `LIMIT`/`ORDER BY` per value becomes a LATERAL join over the values
 * (PostgreSQL) or ROW_NUMBER() OVER (PARTITION BY …) (MySQL, MariaDB, SQLite); an aggregate
 * becomes GROUP BY the value; JOINs stay as written. The result rows always carry the value
 * they belong to, so the app can match them up. What cannot be kept is said, never dropped.
 */

/** How the list of values is written: `= ANY($1)` (an array param), `IN (?)` (the driver expands an array), SQLite's `json_each(?)`. */
export type ListStyle = 'any' | 'in' | 'json';

export interface BatchOptions {
  dialect: Dialect;
  /** `$1` numbered (pg, PGlite, Sequelize's bind on postgres) or `?` positional. */
  placeholders: 'numbered' | 'positional';
  list: ListStyle;
  /** The JavaScript expression holding the values. */
  ids: string;
}

export interface BatchedSql {
  sql: string;
  /** JavaScript expressions, one per placeholder (positional) or per number (numbered). */
  params: string[];
  /** The key of the result rows that holds the value each belongs to. */
  key: string;
  /** Each value has at most one row: a lookup by key, or a per-row LIMIT 1. */
  onePerValue: boolean;
  method: 'list' | 'lateral' | 'window' | 'grouped';
  /** Sentences: what of the per-row query is kept, and how. */
  kept: string[];
  /** Sentences: what the batched query cannot keep. */
  lost: string[];
}

/** What the rewrite needs to know beyond the SQL. */
export interface BatchContext {
  sql: string;
  params: readonly unknown[];
  shape: SqlShape;
  filter: SqlFilter;
  /** The table of the varying column, when known. */
  filterTable: string | null;
  /** The values looked up: they type the array of a LATERAL join. */
  values: readonly unknown[];
  /** The column is the table's key (one row per value), from the ORM's schema or, without one, its name `id`. */
  unique: boolean;
}

interface Edit { start: number; end: number; text: string }
const PARAM = (i: number) => `\u0001${i}\u0002`;
const IDS = '\u0001ids\u0002';

function quoteName(name: string, dialect: Dialect): string {
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** The PostgreSQL array type for the values, so `unnest($1::int[])` compares with the column. */
function arrayType(values: readonly unknown[]): string {
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    return values.every((v) => Math.abs(v as number) < 2 ** 31) ? 'int[]' : 'bigint[]';
  }
  if (values.every((v) => typeof v === 'number')) return 'numeric[]';
  if (values.every((v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))) return 'uuid[]';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean[]';
  return 'text[]';
}

/** The SQL with the edits applied and every original placeholder turned into a marker. */
function applyEdits(sql: string, dialect: Dialect, edits: Edit[]): string {
  const all = [...edits];
  for (const token of tokenize(sql, dialect)) {
    if (token.kind !== 'param') continue;
    if (all.some((e) => token.start >= e.start && token.end <= e.end && e.text !== PARAM(token.paramIndex!))) continue;
    all.push({ start: token.start, end: token.end, text: PARAM(token.paramIndex!) });
  }
  let out = sql;
  for (const edit of all.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** Markers to the driver's placeholders, and the params they take. */
function placeholders(marked: string, ctx: BatchContext, options: BatchOptions): { sql: string; params: string[] } {
  const params: string[] = [];
  const numbers = new Map<string, number>();
  const idsParam = options.list === 'json' ? `JSON.stringify(${options.ids})` : options.ids;
  // eslint-disable-next-line no-control-regex -- the markers are control characters so no SQL text can hold them
  const sql = marked.trimEnd().replace(/\u0001(ids|\d+)\u0002/g, (_m, which: string) => {
    const value = which === 'ids' ? idsParam : literal(ctx.params[Number(which)]);
    if (options.placeholders === 'positional') { params.push(value); return '?'; }
    if (!numbers.has(which)) { params.push(value); numbers.set(which, params.length); }
    return `$${numbers.get(which)}`;
  });
  return { sql, params };
}

function listComparison(filter: SqlFilter, list: ListStyle): string {
  if (list === 'any') return `${filter.columnSql} = ANY(${IDS})`;
  if (list === 'in') return `${filter.columnSql} IN (${IDS})`;
  return `${filter.columnSql} IN (SELECT value FROM json_each(${IDS}))`;
}

/** The name the value has in each result row, and the select-list addition that puts it there when it has none. */
function keyOutput(ctx: BatchContext, dialect: Dialect): { key: string; add: string | null } {
  const { shape, filter, filterTable } = ctx;
  const resolves = (qualifier: string | null) => qualifier === null
    || shape.allTables.some((t) => (t.alias === qualifier || t.table === qualifier) && t.table === filterTable);
  // A column compared in a subquery is none of the main statement's: `*` does not select it.
  const inMain = !filter.subquery && (filterTable === null || shape.tables.some((t) => t.table === filterTable));
  for (const item of inMain ? shape.selectItems ?? [] : []) {
    if (item.star && (item.qualifier === null || resolves(item.qualifier))) return { key: filter.column, add: null };
    if (item.column === filter.column && item.output && resolves(item.qualifier)) return { key: item.output, add: null };
  }
  const taken = new Set((shape.selectItems ?? []).map((i) => i.output));
  const key = taken.has(filter.column) ? `${filterTable ?? 'key'}_${filter.column}` : filter.column;
  return { key, add: `${filter.columnSql} AS ${quoteName(key, dialect)}` };
}

function limitOf(ctx: BatchContext): { limit: number | null; offset: number } {
  const read = (b: { value: number | null; paramIndex: number | null } | null) => {
    if (!b) return null;
    const v = b.value ?? (b.paramIndex !== null ? ctx.params[b.paramIndex] : null);
    return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
  };
  return { limit: read(ctx.shape.limitClause), offset: read(ctx.shape.offset) ?? 0 };
}

function trailingSemicolon(sql: string, dialect: Dialect): Edit[] {
  const last = tokenize(sql, dialect).at(-1);
  return last?.text === ';' ? [{ start: last.start, end: last.end, text: '' }] : [];
}

/**
 * One statement for every value instead of one per value; a sentence saying why when the per-row
 * query cannot be batched without changing its result; null when the SQL is beyond what the shape
 * reader reads (named placeholders, no select list).
 *
 * @example
 * batchSql(ctx, { dialect: 'postgres', placeholders: 'numbered', list: 'any', ids: 'ids' })
 * // { sql: 'SELECT id, name FROM authors WHERE id = ANY($1)', params: ['ids'], key: 'id', method: 'list', … }
 */
export function batchSql(ctx: BatchContext, options: BatchOptions): BatchedSql | string | null {
  const { shape, filter } = ctx;
  if (!shape.selectRange || tokenize(ctx.sql, options.dialect).some((t) => t.kind === 'param' && t.paramIndex === undefined)) return null;
  const { limit, offset } = limitOf(ctx);
  // One row per run anyway: a key lookup, or an aggregate without GROUP BY.
  const aggregateOnly = shape.aggregate && !shape.groupBy;
  const uniqueLimit = !!shape.limitClause && offset === 0 && limit !== null && limit >= 1 && (ctx.unique || aggregateOnly);
  const perRowLimit = !!shape.limitClause && !uniqueLimit;
  const onOuter = filter.clause === 'on' && shape.tables.some((t) => t.outer && t.table === ctx.filterTable);
  const distinctOn = shape.distinct && /^\s*distinct\s+on\b/i.test(ctx.sql.slice(ctx.sql.toLowerCase().indexOf('distinct')));
  const needsPerValue = perRowLimit || shape.aggregate || !!shape.groupBy || filter.subquery || onOuter || distinctOn;
  const { key, add } = keyOutput(ctx, options.dialect);
  const kept: string[] = [];
  const lost: string[] = [];
  const dropLimit: Edit[] = shape.limitClause && (uniqueLimit || perRowLimit) ? [{ start: shape.limitClause.start, end: shape.limitClause.end, text: '' }] : [];
  if (shape.offset && perRowLimit && shape.offset.start > (shape.limitClause?.end ?? 0)) {
    const at = ctx.sql.toLowerCase().lastIndexOf('offset', shape.offset.start);
    dropLimit.push({ start: at, end: shape.offset.end, text: '' });
  }
  if (uniqueLimit && !aggregateOnly) kept.push(`its LIMIT goes: ${filter.column} is the key, one row per value`);
  const perRow = [shape.orderBy?.sql, shape.limitClause ? (limit !== null ? `LIMIT ${limit}` : ctx.sql.slice(shape.limitClause.start, shape.limitClause.end)) : null]
    .filter(Boolean).join(' ');

  if (options.dialect === 'postgres' && needsPerValue) {
    const inner = applyEdits(ctx.sql, options.dialect, [...trailingSemicolon(ctx.sql, options.dialect), { start: filter.start, end: filter.end, text: `${filter.columnSql} = _key.value` }]);
    const select = add ? `_key.value AS ${quoteName(key, options.dialect)}, _row.*` : '_row.*';
    const marked = `SELECT ${select} FROM unnest(${IDS}::${arrayType(ctx.values)}) AS _key(value) CROSS JOIN LATERAL (${inner.trim()}) AS _row`;
    kept.push(`the query runs as written for each value, in one statement (a LATERAL join over the values)${perRow ? `, its ${perRow} included` : ''}`);
    return { ...placeholders(marked, ctx, options), key, onePerValue: ctx.unique || limit === 1 || (shape.aggregate && !shape.groupBy), method: 'lateral', kept, lost };
  }
  if (filter.subquery) {
    return `the looked-up ${filter.column} sits in a subquery, so the rows of one batched query could not say which value they belong to: join the subquery's table and select ${filter.column} instead`;
  }
  if (onOuter) return `the looked-up ${filter.column} sits in the ON of an outer join, which a list of values would change`;
  if (distinctOn) return 'a DISTINCT ON per value needs PostgreSQL';
  if (perRowLimit && (shape.aggregate || shape.groupBy)) return `a LIMIT over the groups of each value cannot be kept in one ${options.dialect === 'mysql' ? 'MySQL' : 'SQLite'} query here`;
  const edits: Edit[] = [{ start: filter.start, end: filter.end, text: listComparison(filter, options.list) }, ...dropLimit];
  const addAt = shape.selectRange.end;
  if (perRowLimit) {
    if (limit === null) return null;
    const order = shape.orderBy ? shape.orderBy.sql.replace(/^order\s+by\s+/i, '') : null;
    if (shape.orderBy) edits.push({ start: shape.orderBy.start, end: shape.orderBy.end, text: '' });
    const star = shape.selectItems?.length === 1 && shape.selectItems[0].star && shape.selectItems[0].qualifier === null && shape.tables.length === 1;
    if (star) edits.push({ start: shape.selectRange.start, end: shape.selectRange.end, text: `${shape.tables[0].alias ? quoteName(shape.tables[0].alias, options.dialect) : shape.tables[0].tableSql}.*` });
    const window = `ROW_NUMBER() OVER (PARTITION BY ${filter.columnSql}${order ? ` ORDER BY ${order}` : ''}) AS _row_number`;
    edits.push({ start: addAt, end: addAt, text: `${add ? `, ${add}` : ''}, ${window}` });
    const inner = applyEdits(ctx.sql, options.dialect, [...edits, ...trailingSemicolon(ctx.sql, options.dialect)]).trim();
    const range = offset > 0 ? `_row_number > ${offset} AND _row_number <= ${offset + limit}` : `_row_number <= ${limit}`;
    kept.push(`${perRow} per ${filter.column}, with ROW_NUMBER() OVER (PARTITION BY ${filter.column}); the rows carry a _row_number column`);
    return { ...placeholders(`SELECT * FROM (${inner}) AS _ranked WHERE ${range} ORDER BY _row_number`, ctx, options), key, onePerValue: limit === 1, method: 'window', kept, lost };
  }
  if (shape.aggregate || shape.groupBy) {
    const keyAdd = add ?? null;
    if (keyAdd) edits.push({ start: addAt, end: addAt, text: `, ${keyAdd}` });
    if (shape.groupBy) {
      const at = shape.groupBy.start + (/^group\s+by\s*/i.exec(shape.groupBy.sql)?.[0].length ?? 0);
      edits.push({ start: at, end: at, text: `${filter.columnSql}, ` });
    } else {
      const after = shape.orderBy?.start ?? shape.limitClause?.start ?? null;
      const at = after ?? (trailingSemicolon(ctx.sql, options.dialect)[0]?.start ?? ctx.sql.trimEnd().length);
      edits.push({ start: at, end: at, text: `${after !== null ? '' : ' '}GROUP BY ${filter.columnSql}${after !== null ? ' ' : ''}` });
    }
    kept.push(`the aggregate per ${filter.column}, with GROUP BY ${filter.column}`);
    if (!shape.groupBy) lost.push(`a value with no rows gets no row (where the loop got a count of 0 or a null)`);
    return { ...placeholders(applyEdits(ctx.sql, options.dialect, edits), ctx, options), key, onePerValue: !shape.groupBy, method: 'grouped', kept, lost };
  }
  if (add) edits.push({ start: addAt, end: addAt, text: `, ${add}` });
  if (shape.orderBy) kept.push(`its ${shape.orderBy.sql} holds within each ${filter.column}`);
  return { ...placeholders(applyEdits(ctx.sql, options.dialect, edits), ctx, options), key, onePerValue: ctx.unique, method: 'list', kept, lost };
}
