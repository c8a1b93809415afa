import type { Suggestion } from '../../../types.js';
import type { FixInput } from './fix-input.js';
import { camelCase, listName } from './naming.js';
import { idsPreamble } from './raw-sql.js';

/**
 * Prisma: `include` the relation in the parent's `findMany` instead of a `findUnique` per row;
 * without a parent query, one `findMany` with `in`. Model accessors are camelCase model names.
 */
export function prismaFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const { filter, relation, model } = input;
  if (!filter) return null;
  const accessor = (name: string) => name[0].toLowerCase() + name.slice(1);
  if (relation) {
    return {
      title: `Include ${relation.association} in the ${accessor(relation.parentModel)} query`,
      code: [
        `const ${listName(relation.parentTable)} = await prisma.${accessor(relation.parentModel)}.findMany({`,
        `  // …your where/orderBy as before`,
        `  include: { ${relation.association}: true },`,
        `});`,
      ].join('\n'),
      orm: 'prisma',
    };
  }
  return {
    title: `Load every ${model} in one findMany with in`,
    code: `${idsPreamble(input)}const ${listName(input.shape.table)} = await prisma.${accessor(model)}.findMany({ where: { ${camelCase(filter.column)}: { in: ids } } });`,
    orm: 'prisma',
  };
}
