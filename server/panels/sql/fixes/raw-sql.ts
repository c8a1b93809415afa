import type { Dialect, QueryLibrary } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { quoteJs, sampleComment } from './code.js';
import { listName, rowName } from './naming.js';
import { batchSql, type BatchOptions, type BatchedSql } from './batch-sql.js';
import { batchContext, idsLine, matchUpLines, resultName, type Wording } from './batched.js';

/** How each driver takes a list of values: an array param (pg), an array `query()` expands (mysql2), JSON text (SQLite). */
export function driverBatchOptions(dialect: Dialect, placeholders: BatchOptions['placeholders']): BatchOptions {
  return {
    dialect, placeholders, ids: 'ids',
    list: dialect === 'postgres' ? 'any' : dialect === 'mysql' ? 'in' : 'json',
  };
}

const CALLS: Partial<Record<QueryLibrary, (sql: string, params: string, result: string) => string>> = {
  pg: (sql, params, result) => `const { rows: ${result} } = await pool.query(\n  ${sql},\n  [${params}],\n);`,
  pglite: (sql, params, result) => `const { rows: ${result} } = await db.query(\n  ${sql},\n  [${params}],\n);`,
  mysql2: (sql, params, result) => `// query(), not execute(): only query() expands an array into IN (…)\nconst [${result}] = await connection.query(\n  ${sql},\n  [${params}],\n);`,
  'better-sqlite3': (sql, params, result) => `const ${result} = db.prepare(\n  ${sql},\n).all(${params});`,
  sqlite3: (sql, params, result) => `const ${result} = await new Promise((resolve, reject) => db.all(\n  ${sql},\n  [${params}],\n  (error, rows) => (error ? reject(error) : resolve(rows)),\n));`,
};

const HOW: Record<BatchedSql['method'], (column: string, dialect: Dialect) => string> = {
  list: (column, dialect) => `${column} ${dialect === 'postgres' ? '= ANY($n)' : dialect === 'mysql' ? 'IN (?)' : 'IN (json_each(?))'}`,
  lateral: () => 'a LATERAL join over the values',
  window: () => 'ROW_NUMBER() per value',
  grouped: (column) => `GROUP BY ${column}`,
};

/**
 * The batched statement: the user's own SQL rewritten (batch-sql.ts), or a sentence saying why
 * it cannot be, for a library's wording to wrap in its own call.
 */
export function batchedFor(input: FixInput, options: BatchOptions): BatchedSql | string | null {
  const ctx = batchContext(input);
  return ctx ? batchSql(ctx, options) : null;
}

/** A fix that says what cannot be done and why, with the batched query left to the user. */
export function cannotBatch(input: FixInput, why: string): Wording {
  return {
    title: `No one-query fix for these ${input.shape.table} lookups`,
    code: `// ${why}.`,
    orm: input.library,
    notes: [`The toolbar cannot batch this query without changing its result: ${why}.`],
  };
}

/**
 * The fix in the driver's own words: one query for every value, with the user's SQL, then a Map
 * the loop reads instead of querying.
 *
 * @example
 * rawSqlFix(input).code
 * // const ids = [...new Set(posts.map((post) => post.author_id))];
 * // const { rows: authors } = await pool.query('SELECT id, name FROM authors WHERE id = ANY($1)', [ids]);
 * // const authorById = new Map(authors.map((author) => [author.id, author]));
 */
export function rawSqlFix(input: FixInput): Wording | null {
  const numbered = input.dialect === 'postgres';
  const batched = batchedFor(input, driverBatchOptions(input.dialect, numbered ? 'numbered' : 'positional'));
  if (batched === null) return null;
  if (typeof batched === 'string') return cannotBatch(input, batched);
  const call = CALLS[input.library] ?? CALLS.pg!;
  const result = resultName(input, input.shape.table);
  return {
    title: `Load all ${input.shape.table} in one query with ${HOW[batched.method](input.filter!.column, input.dialect)}`,
    code: [idsLine(input, false), call(quoteJs(batched.sql), batched.params.join(', '), result),
      ...matchUpLines(result, batched.key, batched.onePerValue, input)].join('\n'),
    orm: input.library,
    notes: [...batched.kept, ...batched.lost],
  };
}

/** `posts.map((post) => post.author_id)` from the guessed relation, or `ids` (for the wordings not reading the schema yet). */
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
