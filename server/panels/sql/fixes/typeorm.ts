import { importLines } from '../../../stack/module-system.js';
import type { Suggestion } from '../../../types.js';
import type { OrmModel } from '../orm/schema.js';
import type { FixInput } from './fix-input.js';
import { planOrmFix, type OrmFixPlan } from './orm-plan.js';
import { literal, quoteJs } from './code.js';
import { listName } from './naming.js';
import { aOrAn, idsLine, jsObject, listVar, loadedName, loopCall, otherEntries, parentAt, readLoaded, rowVar, sqlLevelFix, unknownParentNote } from './orm-code.js';

/*
 * TypeORM, in the words of the app's entities (read from the DataSource passed in `instrument`):
 * the relation already loaded by the parent query → read it; the parent can load it →
 * `relations` on that find (or `leftJoinAndSelect`); otherwise one `find` with `In(ids)`.
 * TypeORM cannot LIMIT a relation per row: where the loop's query had one, the fix says so and
 * keeps the first rows in memory (or, on PostgreSQL, uses DISTINCT ON for a LIMIT 1).
 */

const repository = (model: OrmModel) => `dataSource.getRepository(${model.name})`;
const spell = (model: OrmModel, method: string) => `${model.name} ${method}`;
const upper = (direction: string) => quoteJs(direction.toUpperCase());

/** `{ comments: { createdAt: 'DESC' } }` for find's `order`, on the relation or the model itself. */
function orderValue(plan: OrmFixPlan, onRelation: boolean): string | null {
  if (plan.order.length === 0) return null;
  const order = jsObject(plan.order.map((o) => [o.property, upper(o.direction)]));
  return onRelation ? jsObject([[plan.relation!.name, order]]) : order;
}

const relationsValue = (plan: OrmFixPlan) =>
  jsObject([[plan.relation!.name, plan.then ? jsObject([[plan.then.name, 'true']]) : 'true']]);

function limitNote(plan: OrmFixPlan, what: string): string[] {
  if (plan.limit === null) return [];
  return [`// TypeORM cannot LIMIT a relation per row: this loads every ${what}${plan.order.length ? ' in that order' : ''}; the first ${plan.limit === 1 ? 'one is' : `${plan.limit} are`} the loop's.`];
}

function readInstead(input: FixInput, plan: OrmFixPlan, parent: OrmModel): Omit<Suggestion, 'reason'> {
  const list = listVar(parent);
  const row = rowVar(parent);
  const relation = plan.relation!;
  return {
    title: `Read ${row}.${relation.name}: the ${parent.name} query already loads it`,
    code: [
      `// The ${parent.name} query${parentAt(input)} already loads ${loadedName(plan)} (relations or leftJoinAndSelect):`,
      `// read it from each ${row} instead of one ${loopCall(input, plan, spell)} per ${row}.`,
      `const ${list} = await ${repository(parent)}.find({ relations: ${relationsValue(plan)} }); // your query, unchanged`,
      `const ${listName(relation.name)} = ${list}.map((${row}) => ${readLoaded(plan, row)});`,
    ].join('\n'),
    orm: 'typeorm',
  };
}

function joinOnParent(input: FixInput, plan: OrmFixPlan, parent: OrmModel): Omit<Suggestion, 'reason'> {
  const list = listVar(parent);
  const row = rowVar(parent);
  const relation = plan.relation!;
  // The join's alias: the relation's own name reads best (`author`), a row name for a list (`comment`).
  const child = relation.kind === 'belongs-to' || relation.kind === 'has-one' || rowVar(plan.child) === row ? relation.name : rowVar(plan.child);
  const read = `// then read ${readLoaded(plan, row, false)} instead of one ${loopCall(input, plan, spell)} per ${row}`;
  if (plan.others.length > 0 || plan.droppedConditions) {
    // `relations` cannot filter what it joins; a join condition can.
    const condition = plan.others.map((o) => `${child}.${o.property} = :${o.property}`).join(' AND ');
    const params = jsObject(plan.others.map((o) => [o.property, literal(o.value)]));
    return {
      title: `Join ${relation.name} in the ${parent.name} query (leftJoinAndSelect)`,
      code: [
        `const ${list} = await ${repository(parent)}.createQueryBuilder(${quoteJs(row)})`,
        `  // …the where/orderBy it has${parentAt(input)}`,
        `  .leftJoinAndSelect(${quoteJs(`${row}.${relation.name}`)}, ${quoteJs(child)}${condition ? `, ${quoteJs(condition)}, ${params}` : ''})`,
        ...plan.order.map((o) => `  .addOrderBy(${quoteJs(`${child}.${o.property}`)}, ${upper(o.direction)})`),
        `  .getMany();`,
        ...(plan.droppedConditions ? [`// …and the other conditions the loop's query had, in the join condition`] : []),
        ...limitNote(plan, `${rowVar(plan.child)} of these ${list}`),
        read,
      ].join('\n'),
      orm: 'typeorm',
    };
  }
  const order = orderValue(plan, true);
  return {
    title: `Load ${relation.name} with the ${parent.name} query (relations)`,
    code: [
      `const ${list} = await ${repository(parent)}.find({`,
      `  // …the where/order it has${parentAt(input)}`,
      `  relations: ${relationsValue(plan)},`,
      ...(order ? [`  order: ${order},`] : []),
      `});`,
      ...limitNote(plan, `${rowVar(plan.child)} of these ${list}`),
      `// or, with the query builder: .leftJoinAndSelect(${quoteJs(`${row}.${relation.name}`)}, ${quoteJs(child)})`,
      read,
    ].join('\n'),
    orm: 'typeorm',
  };
}

/** `{ articleId: In(ids) }`, or `{ article: { id: In(ids) } }` when the foreign key has no property of its own. */
function keyCondition(plan: OrmFixPlan): string | null {
  if (plan.key.property) return jsObject([[plan.key.property, 'In(ids)'], ...otherEntries(plan)]);
  const via = plan.child.relations.find((r) => r.kind === 'belongs-to' && r.sourceColumn === plan.key.column);
  const target = via && plan.schema.models.find((m) => m.name === via.target);
  const targetKey = target?.columns.find((c) => c.column === via!.targetColumn)?.property;
  return via && targetKey ? jsObject([[via.name, jsObject([[targetKey, 'In(ids)']])], ...otherEntries(plan)]) : null;
}

function batched(input: FixInput, plan: OrmFixPlan): Omit<Suggestion, 'reason'> | null {
  const { child, key, relation, parent } = plan;
  const unknown = plan.parentKnown ? '' : ' (the list the loop went over was not identified)';
  const note = unknownParentNote(plan, relation && parent ? { where: `${aOrAn(parent.name)} find`, how: `relations: ${relationsValue(plan)}` } : null);
  const head = [...importLines(['In'], 'typeorm', input.moduleSystem ?? null), '', ...note, idsLine(input, plan)];
  if (key.table !== child.table) {
    const parentKey = parent && relation && parent.columns.find((c) => c.column === relation.sourceColumn)?.property;
    if (!parent || !relation || !parentKey) return null;
    return {
      title: `Load the ${relation.name} of every ${parent.name} in one find with In()${unknown}`,
      code: [...head, `const ${listVar(parent)} = await ${repository(parent)}.find({ where: ${jsObject([[parentKey, 'In(ids)']])}, relations: ${relationsValue(plan)} });`].join('\n'),
      orm: 'typeorm',
    };
  }
  const where = keyCondition(plan);
  if (!where) return null;
  const list = listVar(child);
  const dropped = plan.droppedConditions ? [`// …and the other conditions of the loop's query`] : [];
  const order = orderValue(plan, false);
  if (plan.limit === null) {
    const extra = [...(order ? [`order: ${order}`] : []), ...(plan.then ? [`relations: ${jsObject([[plan.then.name, 'true']])}`] : [])];
    const call = extra.length ? `find({ where: ${where}, ${extra.join(', ')} })` : `findBy(${where})`;
    return { title: `Load every ${child.name} in one find with In()${unknown}`, code: [...head, ...dropped, `const ${list} = await ${repository(child)}.${call};`].join('\n'), orm: 'typeorm' };
  }
  const keyName = key.property ?? key.column;
  const row = rowVar(child);
  if (plan.limit === 1 && input.dialect === 'postgres' && key.property) {
    // PostgreSQL's DISTINCT ON keeps the first row of each key in ORDER BY's order: the per-row LIMIT 1.
    return {
      title: `Load the first ${child.name} of each ${keyName} in one query (DISTINCT ON)${unknown}`,
      code: [...note, idsLine(input, plan), ...dropped,
        `const ${list} = await ${repository(child)}.createQueryBuilder(${quoteJs(row)})`,
        `  .distinctOn([${quoteJs(`${row}.${keyName}`)}])`,
        `  .where(${quoteJs(`${row}.${keyName} IN (:...ids)`)}, { ids })`,
        `  .orderBy(${quoteJs(`${row}.${keyName}`)})`,
        ...plan.order.map((o) => `  .addOrderBy(${quoteJs(`${row}.${o.property}`)}, ${upper(o.direction)})`),
        `  .getMany();`].join('\n'),
      orm: 'typeorm',
    };
  }
  const all = `all${list[0].toUpperCase()}${list.slice(1)}`;
  const first = plan.limit === 1 ? 'first' : `first ${plan.limit}`;
  return {
    title: `Load every ${child.name} in one find with In(), then keep the ${first} of each ${keyName}${unknown}`,
    code: [...head, ...dropped,
      `// TypeORM has no per-row LIMIT${input.dialect === 'postgres' ? '' : ' on this database'}: this loads every matching ${row}; the ${first} of each ${keyName} ${plan.limit === 1 ? 'is' : 'are'} the loop's.`,
      `const ${all} = await ${repository(child)}.find(${order ? `{ where: ${where}, order: ${order} }` : `{ where: ${where} }`});`,
      `const firstOf = new Map();`,
      `for (const ${row} of ${all}) {`,
      `  const kept = firstOf.get(${row}.${keyName}) ?? [];`,
      `  if (kept.length < ${plan.limit}) firstOf.set(${row}.${keyName}, [...kept, ${row}]);`,
      `}`,
      `const ${list} = [...firstOf.values()].flat();`].join('\n'),
    orm: 'typeorm',
  };
}

/**
 * The TypeORM fix for an N+1, or null without the app's schema (`input.schema`).
 *
 * @example
 * typeormFix({ ...input, schema, parent: { query: articlesQuery, where: 'routes/articles.ts:12' } })
 * // { title: 'Load author with the Article query (relations)', code: 'const articles = await dataSource.getRepository(Article).find({ … relations: { author: true } …', orm: 'typeorm' }
 */
export function typeormFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const plan = planOrmFix(input);
  if (!plan || plan.schema.orm !== 'typeorm') return sqlLevelFix(input);
  if (plan.relation && plan.parent && plan.parentKnown) {
    if (plan.loaded && plan.order.length === 0 && plan.limit === null && plan.others.length === 0 && !plan.droppedConditions) {
      return readInstead(input, plan, plan.parent);
    }
    return joinOnParent(input, plan, plan.parent);
  }
  return batched(input, plan);
}
