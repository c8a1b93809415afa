import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { literal, quoteJs, sampleComment } from './code.js';
import { listName, rowName } from './naming.js';

/**
 * The user's own SQL, rewritten so the varying comparison takes every value at once:
 * `= ANY($1)` with an array on PostgreSQL (pg, PGlite), `IN (?)` on mysql2 (whose `query()`
 * expands arrays), and `IN (SELECT value FROM json_each(?))` on SQLite, which binds no arrays.
 * The rest of the statement, select list included, stays as the user wrote it.
 */
function batchedSql(input: FixInput): { sql: string; params: string[] } | null {
  const { filter, sql, params, dialect } = input;
  if (!filter) return null;
  const valuesExpression = idsExpression(input);
  const paramsOut = params.map(literal);
  let placeholder: string;
  if (dialect === 'postgres') {
    const index = filter.paramIndex ?? params.length;
    placeholder = `$${index + 1}`;
    paramsOut[index] = valuesExpression;
  } else {
    placeholder = '?';
    if (filter.paramIndex !== null) paramsOut[filter.paramIndex] = valuesExpression;
    else paramsOut.push(valuesExpression);
  }
  const comparison = dialect === 'postgres' ? `${filter.columnSql} = ANY(${placeholder})`
    : dialect === 'mysql' ? `${filter.columnSql} IN (${placeholder})`
      : `${filter.columnSql} IN (SELECT value FROM json_each(${placeholder}))`;
  if (dialect === 'sqlite') {
    const at = filter.paramIndex ?? paramsOut.length - 1;
    paramsOut[at] = `JSON.stringify(${valuesExpression})`;
  }
  let out = sql.slice(0, filter.start) + comparison + sql.slice(filter.end);
  // A `LIMIT 1` (one row per lookup) would now cut the batch to one row.
  const limit = input.shape.limit;
  if (limit && sql.slice(limit.start, limit.end).replace(/\s+/g, ' ').toLowerCase() === 'limit 1') {
    const shift = comparison.length - (filter.end - filter.start);
    const at = limit.start > filter.end ? limit.start + shift : limit.start;
    out = (out.slice(0, at).trimEnd() + out.slice(at + (limit.end - limit.start))).trimEnd();
  }
  return { sql: out, params: paramsOut };
}

/** `posts.map((post) => post.author_id)`, or `ids` when the parent query is unknown. */
export function idsExpression(input: FixInput, key?: (column: string) => string): string {
  const { relation } = input;
  if (!relation) return 'ids';
  const list = listName(relation.parentTable);
  const item = rowName(relation.parentTable) === list ? 'row' : rowName(relation.parentTable);
  const field = key ? key(relation.parentKey) : relation.parentKey;
  return `${list}.map((${item}) => ${item}.${field})`;
}

/** The line that defines `ids` when there is no parent query to read them from. */
export function idsPreamble(input: FixInput): string {
  return input.relation ? '' : `${sampleComment('ids', input.filter?.column ?? 'key', input.sampleValues)}\n`;
}

const CALLS: Record<string, (sql: string, params: string, result: string) => string> = {
  pg: (sql, params, result) => `const { rows: ${result} } = await pool.query(\n  ${sql},\n  [${params}],\n);`,
  pglite: (sql, params, result) => `const { rows: ${result} } = await db.query(\n  ${sql},\n  [${params}],\n);`,
  mysql2: (sql, params, result) => `// query(), not execute(): only query() expands an array into IN (…)\nconst [${result}] = await connection.query(\n  ${sql},\n  [${params}],\n);`,
  'better-sqlite3': (sql, params, result) => `const ${result} = db.prepare(\n  ${sql},\n).all(${params});`,
  sqlite3: (sql, params, result) => `db.all(\n  ${sql},\n  [${params}],\n  (error, ${result}) => { /* … */ },\n);`,
};

/** The fix in the driver's own words: one query for every value, with the user's SQL. */
export function rawSqlFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const batched = batchedSql(input);
  if (!batched) return null;
  const call = CALLS[input.library] ?? CALLS.pg;
  const result = listName(input.shape.table);
  const operator = input.dialect === 'postgres' ? '= ANY($n)' : input.dialect === 'mysql' ? 'IN (?)' : 'IN (json_each(?))';
  return {
    title: `Load all ${input.shape.table} in one query with ${input.filter!.column} ${operator}`,
    code: idsPreamble(input) + call(quoteJs(batched.sql), batched.params.join(', '), result),
    orm: input.library,
  };
}
