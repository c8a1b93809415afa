import type { FixInput } from './fix-input.js';
import type { OrmRelation } from '../orm/schema.js';
import { modelByName, propertyOf } from '../orm/lookup.js';
import { literal } from './code.js';
import { access, idsLine, parentKey, parentNames, type Wording } from './batched.js';
import { pascalCase, rowName } from './naming.js';

/*
 * `author.hasFollower(user)` per row: Sequelize asks for the target's key through the join table,
 * the row's own id in the JOIN's ON (`"Followers"."userId" = 4`) and the asked-for target in the
 * WHERE (`"User"."id" = 1`). The answer per row is whether a join row links the two, so one query
 * on the join table's model for every row's id, grouped into a Set per row, answers every
 * `has…` at once. A query that asks anything more of the target is left to the other wordings.
 */

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** The belongsToMany whose join table and source column are the varying comparison's, when exactly one. */
function relationOf(input: FixInput): OrmRelation | null {
  const { schema, filter, filterTable, shape } = input;
  if (!schema || !filter || filter.clause !== 'on' || !filterTable) return null;
  const found = schema.models.flatMap((m) => m.relations).filter((r) => r.kind === 'many-to-many' && r.through
    && same(r.through.table, filterTable) && same(r.through.sourceColumn, filter.column)
    && same(modelByName(schema, r.target)?.table, shape.table));
  return found.length === 1 ? found[0] : null;
}

/**
 * One findAll on the join model for every row, and a Set per row of the targets it links: the
 * loop's `has…` becomes `set.has(id)`; null when the query is not a plain `has` through a join model.
 *
 * @example
 * throughHas(input)?.code
 * // const links = await sequelize.models.Followers.findAll({ where: { userId: ids, followerId: 1 }, raw: true });
 * // const followerIdsByUserId = new Map(ids.map((id) => [id, new Set()]));
 */
export function throughHas(input: FixInput): Wording | null {
  const relation = relationOf(input);
  const through = relation?.through;
  const schema = input.schema!;
  const target = relation && modelByName(schema, relation.target);
  const joinModel = through?.model ? modelByName(schema, through.model) : null;
  if (!relation || !through || !target || !joinModel || target.primaryKey.length !== 1) return null;
  const { shape } = input;
  const key = target.primaryKey[0];
  // Only the target's key selected, and nothing compared but the row's id and the target's key: a `has`.
  const selectsKeyOnly = shape.selectItems?.every((i) => !i.star && same(i.column, key)) ?? false;
  const others = shape.filters.filter((f) => f !== input.filter);
  const asked = others.filter((f) => same(f.table, target.table) && same(f.column, key) && f.operator === '=' && !f.subquery);
  if (!selectsKeyOnly || shape.aggregate || shape.unreadConditions || asked.length !== others.length || asked.length > 1) return null;
  const sourceProperty = propertyOf(joinModel, through.sourceColumn) ?? through.sourceColumn;
  const targetProperty = propertyOf(joinModel, through.targetColumn) ?? through.targetColumn;
  const value = asked[0] ? (asked[0].paramIndex !== null ? literal(input.params[asked[0].paramIndex]) : asked[0].valueSql) : null;
  const where = [`${sourceProperty}: ids`, ...(value !== null ? [`${targetProperty}: ${value}`] : [])].join(', ');
  const map = `${rowName(relation.name)}${pascalCase(key)}sBy${pascalCase(sourceProperty)}`;
  const names = parentNames(input);
  const parentKeyName = parentKey(input, true);
  const row = names && parentKeyName ? access(names.row, parentKeyName) : `${rowName(relation.source)}.${relation.sourceColumn}`;
  const accessor = relation.accessors?.hasSingle ?? relation.accessors?.has;
  const loopCall = accessor ? `${rowName(relation.source)}.${accessor}(…)` : 'the query per row';
  const answer = value !== null ? `${map}.get(${row}).has(${value})` : `${map}.get(${row}).size > 0`;
  return {
    title: `Load every ${through.model} link in one findAll${accessor ? `, then answer ${accessor} from a Set per ${rowName(relation.source)}` : ''}`,
    code: [
      idsLine(input, true),
      `const links = await sequelize.models.${through.model}.findAll({ where: { ${where} }, raw: true }); // "${through.table}"."${through.sourceColumn}" IN (…)`,
      `const ${map} = new Map(ids.map((id) => [id, new Set()]));`,
      `for (const link of links) ${map}.get(link.${sourceProperty})?.add(link.${targetProperty});`,
      `// in the loop: ${answer} instead of ${loopCall}`,
    ].join('\n'),
    orm: 'sequelize',
    notes: [
      `each ${rowName(relation.source)}'s answer is whether a ${through.model} row links it (${through.sourceColumn}) to the ${target.name} asked for (${through.targetColumn})`,
      ...(value !== null ? [`${value} is the ${target.name} every run asked about; put your variable there`] : []),
    ],
  };
}
