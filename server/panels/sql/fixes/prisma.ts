import type { Suggestion } from '../../../types.js';
import type { OrmModel } from '../orm/schema.js';
import type { FixInput } from './fix-input.js';
import { parentCallOf, planOrmFix, type OrmFixPlan } from './orm-plan.js';
import { quoteJs } from './code.js';
import { listName } from './naming.js';
import { aOrAn, idsLine, jsObject, listVar, loadedName, loopCall, otherEntries, parentAt, readLoaded, rowVar, sqlLevelFix, unknownParentNote } from './orm-code.js';

/*
 * Prisma, in the words of the app's schema (read from the PrismaClient passed in `instrument`):
 * the relation already included by the parent query → read it; the parent can include it →
 * `include` on that query, per-row `orderBy`/`take` kept inside it; otherwise one `findMany` with
 * `in`. Without the schema there is no Prisma fix: the dispatcher falls back to SQL.
 */

const accessor = (model: OrmModel) => model.accessor ?? `prisma.${model.name[0].toLowerCase()}${model.name.slice(1)}`;
const spell = (model: OrmModel, method: string) => `${accessor(model)}.${method}`;

function orderBy(plan: OrmFixPlan): string | null {
  if (plan.order.length === 0) return null;
  const items = plan.order.map((o) => jsObject([[o.property, quoteJs(o.direction)]]));
  return items.length === 1 ? items[0] : `[${items.join(', ')}]`;
}

/** The value of `include: { <relation>: … }`: `true`, or the per-row where/orderBy/take to keep. */
function includeValue(plan: OrmFixPlan): string {
  if (plan.then) return jsObject([['include', jsObject([[plan.then.name, 'true']])]]);
  const entries: Array<[string, string]> = [];
  const others = otherEntries(plan);
  if (others.length > 0) entries.push(['where', jsObject(others)]);
  const order = orderBy(plan);
  if (order) entries.push(['orderBy', order]);
  if (plan.limit !== null) entries.push(['take', String(plan.limit)]);
  return entries.length === 0 ? 'true' : jsObject(entries);
}

function readInstead(input: FixInput, plan: OrmFixPlan, parent: OrmModel): Omit<Suggestion, 'reason'> {
  const list = listVar(parent);
  const row = rowVar(parent);
  const relation = plan.relation!;
  return {
    title: `Read ${row}.${relation.name}: the ${parent.name} query already includes it`,
    code: [
      `// The ${spell(parent, parentCallOf(input)?.method ?? 'findMany')}${parentAt(input)} already includes ${loadedName(plan)}:`,
      `// read it from each ${row} instead of one ${loopCall(input, plan, spell)} per ${row}.`,
      `const ${list} = await ${spell(parent, 'findMany')}({ include: ${jsObject([[relation.name, includeValue(plan)]])} }); // your query, unchanged`,
      `const ${listName(relation.name)} = ${list}.map((${row}) => ${readLoaded(plan, row)});`,
    ].join('\n'),
    orm: 'prisma',
  };
}

function includeOnParent(input: FixInput, plan: OrmFixPlan, parent: OrmModel): Omit<Suggestion, 'reason'> {
  const list = listVar(parent);
  const row = rowVar(parent);
  const relation = plan.relation!;
  const method = parentCallOf(input)?.model === parent.name ? parentCallOf(input)?.method ?? 'findMany' : 'findMany';
  const code = [
    `const ${list} = await ${spell(parent, method)}({`,
    `  // …the where/orderBy it has${parentAt(input)}`,
    `  include: ${jsObject([[relation.name, includeValue(plan)]])},`,
    `});`,
    `// then read ${readLoaded(plan, row)} instead of one ${loopCall(input, plan, spell)} per ${row}`,
  ];
  if (plan.droppedConditions) code.splice(3, 0, `  // …and the other conditions the loop's query had, in include's where`);
  return { title: `Include ${relation.name} in the ${spell(parent, method)} query`, code: code.join('\n'), orm: 'prisma' };
}

function batched(input: FixInput, plan: OrmFixPlan): Omit<Suggestion, 'reason'> | null {
  const { child, key, relation } = plan;
  const eagerLoad = relation && plan.parent
    ? { where: `${aOrAn(spell(plan.parent, 'findMany'))}`, how: `include: ${jsObject([[relation.name, includeValue(plan)]])}` } : null;
  const note = unknownParentNote(plan, eagerLoad);
  const unknown = plan.parentKnown ? '' : ' (the list the loop went over was not identified)';
  if (key.table !== child.table) {
    // The ids are the parent's: load the parents by them, with the relation.
    const parent = plan.parent;
    const parentKey = parent && relation && parent.columns.find((c) => c.column === relation.sourceColumn)?.property;
    if (!parent || !relation || !parentKey) return null;
    return {
      title: `Load the ${relation.name} of every ${parent.name} in one findMany${unknown}`,
      code: [...note, idsLine(input, plan),
        `const ${listVar(parent)} = await ${spell(parent, 'findMany')}({`,
        `  where: ${jsObject([[parentKey, jsObject([['in', 'ids']])]])},`,
        `  include: ${jsObject([[relation.name, includeValue(plan)]])},`,
        `});`].join('\n'),
      orm: 'prisma',
    };
  }
  if (!key.property) return null;
  const entries: Array<[string, string]> = [['where', jsObject([[key.property, jsObject([['in', 'ids']])], ...otherEntries(plan)])]];
  const order = orderBy(plan);
  if (order) entries.push(['orderBy', order]);
  if (plan.then) entries.push(['include', jsObject([[plan.then.name, 'true']])]);
  const lines = [...note, idsLine(input, plan)];
  if (plan.limit === 1) {
    // `distinct` keeps the first row of each key in orderBy's order: the per-row LIMIT 1.
    entries.push(['distinct', `[${quoteJs(key.property)}]`]);
  } else if (plan.limit !== null) {
    lines.push(`// Prisma has no take per ${key.property}: this loads every matching row; keep the first ${plan.limit} of each ${key.property}.`);
  }
  if (plan.droppedConditions) lines.push(`// …and the other conditions of the loop's query`);
  lines.push(`const ${listVar(child)} = await ${spell(child, 'findMany')}(${jsObject(entries)});`);
  return { title: `Load every ${child.name} in one findMany with in${unknown}`, code: lines.join('\n'), orm: 'prisma' };
}

/**
 * The Prisma fix for an N+1, or null without the app's schema (`input.schema`).
 *
 * @example
 * prismaFix({ ...input, schema, parent: { query: articlesQuery, where: 'routes/articles.ts:12' } })
 * // { title: 'Include author in the prisma.article.findMany query', code: 'const articles = await prisma.article.findMany({ … include: { author: true } …', orm: 'prisma' }
 */
export function prismaFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const plan = planOrmFix(input);
  if (!plan || plan.schema.orm !== 'prisma') return sqlLevelFix(input);
  if (plan.relation && plan.parent && plan.parentKnown) {
    if (plan.loaded && plan.order.length === 0 && plan.limit === null && plan.others.length === 0 && !plan.droppedConditions) {
      return readInstead(input, plan, plan.parent);
    }
    return includeOnParent(input, plan, plan.parent);
  }
  return batched(input, plan);
}
