import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { sampleComment } from './code.js';
import { listName, pascalCase, propertyKey, rowName } from './naming.js';
import { modelByTable, propertyOf } from '../orm/lookup.js';
import type { BatchContext } from './batch-sql.js';

/*
 * What every batched fix shares, whatever the library: the values to look up (from the parent's
 * rows when the loop's parent is known), and the lines that match the batched rows back up to
 * each value, so the loop reads a Map instead of running a query.
 */

/** A fix wording's answer: the suggestion and sentences the reason adds (what is kept, what cannot be). */
export type Wording = Omit<Suggestion, 'reason'> & { notes?: string[] };

/** A property access: `row.author_id`, or `row['ArticleTag.articleId']` when not an identifier. */
export function access(object: string, key: string): string {
  const quoted = propertyKey(key);
  return quoted === key ? `${object}.${key}` : `${object}[${quoted}]`;
}

/**
 * The variable for the parent's rows (`articles`), for one of them (`article`), and the rows as
 * the loop goes over them: `articles.rows` when the parent call was findAndCountAll.
 */
export function parentNames(input: FixInput): { list: string; row: string; items: string } | null {
  if (!input.parent) return null;
  const table = input.parent.shape.table;
  const list = listName(table);
  const row = rowName(table) === list ? 'row' : rowName(table);
  return { list, row, items: input.parent.rows ? `${list}.rows` : list };
}

/** The output of a per-row `SELECT count(…)` with nothing else selected: `count`; null for any other query. */
export function countOutput(input: FixInput): string | null {
  const { shape } = input;
  const items = shape.selectItems;
  if (!shape.aggregate || shape.groupBy || !items || items.length !== 1 || !items[0].output) return null;
  return /^\s*select\s+count\s*\(/i.test(input.sql) ? items[0].output : null;
}

/**
 * The variable for the batched rows: `users` for a `users` query, `counts` for a per-row count,
 * and never the parent's own variable (`const users` twice would not run).
 */
export function resultName(input: FixInput, table: string, ormRows = false): string {
  const wanted = ormRows && countOutput(input) ? 'counts' : listName(table);
  const taken = parentNames(input)?.list;
  return wanted === taken ? `loaded${pascalCase(wanted)}` : wanted;
}

/**
 * The column of each parent row holding the values the loop looked up: from the schema's
 * relation when known, else by name (`author_id` for `authors.id`), and as the ORM's rows name it
 * (`authorId`) when `ormRows`.
 */
export function parentKey(input: FixInput, ormRows: boolean): string | null {
  const { link, parent } = input;
  if (!parent) return null;
  const column = link ? link.relation.sourceColumn : input.relation?.parentKey ?? null;
  if (!column) return null;
  const model = link?.parent ?? (ormRows ? modelByTable(input.schema, parent.shape.table) : null);
  if (ormRows && model) return propertyOf(model, column) ?? column;
  // An ORM's rows name a column by its select alias (Sequelize: `"author_id" AS "authorId"`).
  const item = ormRows ? parent.shape.selectItems?.find((i) => i.column === column && i.output) : null;
  return item?.output ?? column;
}

/**
 * The line that defines `ids`: from the parent's rows when the loop's parent is known, else a
 * comment naming what `ids` must hold, with the values seen.
 *
 * @example
 * idsLine(input, false) // 'const ids = [...new Set(posts.map((post) => post.author_id))];'
 */
export function idsLine(input: FixInput, ormRows: boolean): string {
  const names = parentNames(input);
  const key = parentKey(input, ormRows);
  if (names && key) return `const ids = [...new Set(${names.items}.map((${names.row}) => ${access(names.row, key)}))];`;
  return sampleComment('ids', input.filter?.column ?? 'key', input.values);
}

/** Whether the varying column is its table's key (one row per value): from the schema, else when it is named `id`. */
export function uniqueLookup(input: FixInput): boolean {
  const { filter, filterTable } = input;
  if (!filter || !filterTable) return false;
  const model = modelByTable(input.schema, filterTable);
  if (model) return model.primaryKey.length === 1 && model.primaryKey[0].toLowerCase() === filter.column.toLowerCase();
  return filter.column === 'id' && filterTable === input.shape.table;
}

/** The rewrite's input, from the fix input. */
export function batchContext(input: FixInput): BatchContext | null {
  if (!input.filter) return null;
  return {
    sql: input.sql, params: input.params, shape: input.shape, filter: input.filter, filterTable: input.filterTable,
    values: input.values, unique: uniqueLookup(input),
  };
}

/**
 * The lines after a batched query: a Map from each value to its row (`onePerValue`) or to its
 * rows (an empty list for a value with none, as the loop got), and how the loop reads it.
 *
 * @example
 * matchUpLines('authors', 'id', true) // ['const authorById = new Map(authors.map((author) => [author.id, author]));', …]
 */
export function matchUpLines(list: string, key: string, onePerValue: boolean, input: FixInput, ormRows = false): string[] {
  // An ORM's count method (`countFollowers()`) answers a number; a driver's row is kept as it came.
  const count = ormRows ? countOutput(input) : null;
  const one = count || rowName(list) === list ? 'row' : rowName(list);
  const map = `${count ? 'count' : onePerValue ? one : list}By${pascalCase(key.replace(/^.*\./, '')) || 'Key'}`;
  const names = parentNames(input);
  const parentKeyName = parentKey(input, ormRows);
  const read = names && parentKeyName ? `${map}.get(${access(names.row, parentKeyName)})` : `${map}.get(id)`;
  if (count) {
    // PostgreSQL's COUNT is a bigint, which pg hands over as a string: the loop's count was a
    // number. A value with no rows has no group (GROUP BY), and its count is 0.
    return [`const ${map} = new Map(ids.map((id) => [id, 0]));`,
      `for (const ${one} of ${list}) ${map}.set(${access(one, key)}, Number(${access(one, count)}));`,
      `// in the loop: ${read} instead of a query per row`];
  }
  if (onePerValue) {
    return [`const ${map} = new Map(${list}.map((${one}) => [${access(one, key)}, ${one}]));`, `// in the loop: ${read} instead of a query per row`];
  }
  return [
    `const ${map} = new Map(ids.map((id) => [id, []]));`,
    `for (const ${one} of ${list}) ${map}.get(${access(one, key)})?.push(${one});`,
    `// in the loop: ${read} instead of a query per row`,
  ];
}
