import type { FixInput } from './fix-input.js';
import { literal, quoteJs } from './code.js';
import { batchedFor, cannotBatch, driverBatchOptions } from './raw-sql.js';
import { idsLine, matchUpLines, resultName, uniqueLookup, type Wording } from './batched.js';

/*
 * knex: the query builder's own words where the per-row query is one table (`whereIn`, and
 * `rowNumber()` for a LIMIT per row), else the user's SQL batched through `knex.raw`, which keeps
 * its JOINs, aggregates and subqueries as they are.
 */

/** A single-table query knex's builder can say: only `=` filters, plain ORDER BY terms, no aggregate. */
function builderShaped(input: FixInput): boolean {
  const { shape, filter } = input;
  return !!filter && shape.tables.length === 1 && filter.clause === 'where' && !filter.subquery && !shape.unreadConditions
    && !shape.aggregate && !shape.groupBy && !shape.distinct && (!shape.orderBy || shape.orderBy.items !== null)
    && shape.selectItems !== null && (shape.columns !== null || (shape.selectItems.length === 1 && shape.selectItems[0].star))
    && shape.filters.every((f) => f === filter || (f.operator === '=' && f.clause === 'where' && !f.subquery));
}

function valueOf(input: FixInput, paramIndex: number | null, valueSql: string): string {
  if (paramIndex !== null) return literal(input.params[paramIndex]);
  return /^-?[0-9.]+$/.test(valueSql) ? valueSql : valueSql.startsWith("'") ? literal(valueSql.slice(1, -1).replace(/''/g, "'")) : valueSql;
}

function limitValue(input: FixInput): number | null {
  const bound = input.shape.limitClause;
  if (!bound) return null;
  const v = bound.value ?? (bound.paramIndex !== null ? input.params[bound.paramIndex] : null);
  return typeof v === 'number' ? v : null;
}

function builderFix(input: FixInput): Wording | null {
  const { shape, filter } = input;
  const column = filter!.column;
  const list = resultName(input, shape.table);
  const limit = limitValue(input);
  const unique = uniqueLookup(input);
  const perRowLimit = !!shape.limitClause && !unique;
  if (perRowLimit && (limit === null || shape.offset)) return null;
  const columns = shape.columns && !shape.columns.includes(column) ? [...shape.columns, column] : shape.columns;
  const chain = [
    ...(columns ? [`.select(${columns.map(quoteJs).join(', ')})`] : perRowLimit ? [`.select('*')`] : []),
    ...shape.filters.filter((f) => f !== filter).map((f) => `.where(${quoteJs(f.column)}, ${valueOf(input, f.paramIndex, f.valueSql)})`),
    `.whereIn(${quoteJs(column)}, ids)`,
  ];
  const order = (shape.orderBy?.items ?? []).map((item) => `.orderBy(${quoteJs(item.column)}${item.descending ? ", 'desc'" : ''})`);
  const notes: string[] = [];
  let code: string[];
  if (perRowLimit) {
    const windowOrder = (shape.orderBy?.items ?? []).map((item) => `.orderBy(${quoteJs(item.column)}${item.descending ? ", 'desc'" : ''})`).join('');
    code = [
      `const ${list} = await knex`,
      `  .select('*')`,
      `  .from(`,
      `    knex(${quoteJs(shape.table)})`,
      ...chain.map((c) => `      ${c}`),
      `      .rowNumber('_row_number', (w) => w${windowOrder}.partitionBy(${quoteJs(column)}))`,
      `      .as('_ranked'),`,
      `  )`,
      `  .where('_row_number', '<=', ${limit})`,
      `  .orderBy('_row_number');`,
    ];
    notes.push(`${[shape.orderBy?.sql, `LIMIT ${limit}`].filter(Boolean).join(' ')} per ${column}, with rowNumber() partitioned by ${column}; the rows carry a _row_number column`);
  } else {
    code = [`const ${list} = await knex(${quoteJs(shape.table)})`, ...[...chain, ...order].map((c) => `  ${c}`)];
    code[code.length - 1] += ';';
    if (shape.limitClause) notes.push(`its LIMIT goes: ${column} is the key, one row per value`);
    if (order.length > 0) notes.push(`its ${shape.orderBy!.sql} holds within each ${column}`);
  }
  return {
    title: perRowLimit
      ? `Load the latest ${limit === 1 ? 'row' : `${limit} rows`} of each ${column} in one query with .whereIn and .rowNumber()`
      : `Load the ${shape.table} with one .whereIn(${quoteJs(column)}, …)`,
    code: [idsLine(input, false), ...code, ...matchUpLines(list, column, unique || limit === 1, input)].join('\n'),
    orm: 'knex',
    notes,
  };
}

/**
 * knex: one `whereIn` instead of a `where` per row (a `rowNumber()` per value for a per-row LIMIT),
 * then a Map the loop reads; JOINs, aggregates and subqueries through `knex.raw` with the
 * user's SQL batched.
 *
 * @example
 * knexFix(input).code
 * // const ids = [...new Set(posts.map((post) => post.author_id))];
 * // const authors = await knex('authors')
 * //   .whereIn('id', ids);
 */
export function knexFix(input: FixInput): Wording | null {
  if (!input.filter) return null;
  if (builderShaped(input)) {
    const fix = builderFix(input);
    if (fix) return fix;
  }
  const batched = batchedFor(input, driverBatchOptions(input.dialect, 'positional'));
  if (batched === null) return null;
  if (typeof batched === 'string') return cannotBatch(input, batched);
  const list = resultName(input, input.shape.table);
  const result = input.dialect === 'postgres' ? `const { rows: ${list} }` : input.dialect === 'mysql' ? `const [${list}]` : `const ${list}`;
  return {
    title: `Load all ${input.shape.table} in one knex.raw query, the SQL batched over the ${input.filter.column} values`,
    code: [
      idsLine(input, false),
      `${result} = await knex.raw(`,
      `  ${quoteJs(batched.sql)},`,
      `  [${batched.params.join(', ')}],`,
      `);`,
      ...matchUpLines(list, batched.key, batched.onePerValue, input),
    ].join('\n'),
    orm: 'knex',
    notes: [...batched.kept, ...batched.lost],
  };
}
