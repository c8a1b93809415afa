import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { camelCase, listName, rowName } from './naming.js';
import { idsPreamble } from './raw-sql.js';

/**
 * TypeORM: load the relation with the parent (`relations`, or a `leftJoinAndSelect`) instead of
 * a lazy relation or `findOneBy` per row; without a parent query, one `findBy` with `In(ids)`.
 */
export function typeormFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const { filter, relation, model } = input;
  if (!filter) return null;
  if (relation) {
    const alias = rowName(relation.parentTable);
    return {
      title: `Load ${relation.association} with the ${relation.parentModel} query (relations)`,
      code: [
        `const ${listName(relation.parentTable)} = await dataSource.getRepository(${relation.parentModel}).find({`,
        `  relations: { ${relation.association}: true },`,
        `});`,
        `// or with the query builder:`,
        `// .createQueryBuilder('${alias}').leftJoinAndSelect('${alias}.${relation.association}', '${relation.association}')`,
      ].join('\n'),
      orm: 'typeorm',
    };
  }
  return {
    title: `Load every ${model} in one findBy with In()`,
    code: `import { In } from 'typeorm';\n\n${idsPreamble(input)}const ${listName(input.shape.table)} = await dataSource.getRepository(${model}).findBy({ ${camelCase(filter.column)}: In(ids) });`,
    orm: 'typeorm',
  };
}
