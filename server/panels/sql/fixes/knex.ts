import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { quoteJs } from './code.js';
import { listName, rowName } from './naming.js';
import { idsExpression, idsPreamble } from './raw-sql.js';

/** knex: one `whereIn` instead of a `where` per row, then match the rows up in memory. */
export function knexFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const { filter, shape } = input;
  if (!filter) return null;
  const select = shape.columns ? `\n  .select(${shape.columns.map(quoteJs).join(', ')})` : '';
  const others = shape.filters.length > 1 ? '\n  // …and the other where() conditions of the original query' : '';
  const result = listName(shape.table);
  const lines = [
    `${idsPreamble(input)}const ${result} = await knex(${quoteJs(shape.table)})${select}`,
    `  .whereIn(${quoteJs(filter.column)}, ${idsExpression(input)});${others}`,
  ];
  if (input.relation?.kind === 'belongs-to') {
    const one = rowName(shape.table);
    lines.push(`const ${one}By${filter.column === 'id' ? 'Id' : 'Key'} = new Map(${result}.map((${one}) => [${one}.${filter.column}, ${one}]));`);
  }
  return {
    title: `Load the ${shape.table} with one .whereIn(${quoteJs(filter.column)}, …)`,
    code: lines.join('\n'),
    orm: 'knex',
  };
}
