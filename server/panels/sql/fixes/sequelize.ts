import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { quoteJs } from './code.js';
import { listName, pascalCase, rowName } from './naming.js';
import { idsPreamble } from './raw-sql.js';

/**
 * sequelize: eager-load the association on the query that fetched the list (`include`), which
 * runs one JOIN (belongs-to) or one extra query (has-many with `separate`), instead of a lazy
 * `getAuthor()` per row. Without a parent query: one `findAll` with an array `where`, which
 * sequelize turns into `IN (…)`.
 */
export function sequelizeFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const { filter, relation, model } = input;
  if (!filter) return null;
  if (relation) {
    const list = listName(relation.parentTable);
    const getter = `${rowName(relation.parentTable)}.get${model}${relation.kind === 'has-many' ? 's' : ''}()`;
    return {
      title: `Eager-load ${model} with include on the ${relation.parentModel} query`,
      code: [
        `const ${list} = await ${relation.parentModel}.findAll({`,
        `  // …your where/order as before`,
        `  include: [{ model: ${model} }], // add as: '…' if the association has an alias`,
        `});`,
        `// then read ${rowName(relation.parentTable)}.${relation.kind === 'has-many' ? pascalCase(input.shape.table) : model} (or its alias) instead of calling ${getter} per row`,
      ].join('\n'),
      orm: 'sequelize',
    };
  }
  return {
    title: `Load every ${model} in one findAll`,
    code: `${idsPreamble(input)}const ${listName(input.shape.table)} = await ${model}.findAll({ where: { ${filter.column}: ids } }); // ${quoteJs(filter.column)} IN (…)`,
    orm: 'sequelize',
  };
}
