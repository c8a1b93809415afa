import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { camelCase, listName } from './naming.js';
import { idsExpression, idsPreamble } from './raw-sql.js';

/**
 * drizzle-orm: one `inArray(table.column, values)` instead of an `eq` per row, or the relational
 * query API's `with` when the schema declares the relation. Table and column objects are named
 * the drizzle way: the table's name, columns in camelCase.
 */
export function drizzleFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const { filter, relation, shape } = input;
  if (!filter) return null;
  const table = camelCase(shape.table);
  const lines = [
    `import { inArray } from 'drizzle-orm';`,
    '',
    `${idsPreamble(input)}const ${table}Rows = await db.select().from(${table})`,
    `  .where(inArray(${table}.${camelCase(filter.column)}, ${idsExpression(input, camelCase)}));`,
  ];
  if (relation) {
    lines.push(
      '',
      `// or, with relations() declared in the schema, load both at once:`,
      `const ${listName(relation.parentTable)} = await db.query.${camelCase(relation.parentTable)}.findMany({ with: { ${relation.association}: true } });`,
    );
  }
  return {
    title: `Load the ${shape.table} with one inArray(${table}.${camelCase(filter.column)}, …)`,
    code: lines.join('\n'),
    orm: 'drizzle-orm',
  };
}
