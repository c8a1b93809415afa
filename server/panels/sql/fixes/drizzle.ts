import { importLines } from '../../../stack/module-system.js';
import type { Suggestion } from '../../../types.js';
import type { OrmModel } from '../orm/schema.js';
import type { FixInput } from './fix-input.js';
import { parentCallOf, planOrmFix, type OrmFixPlan } from './orm-plan.js';
import { literal } from './code.js';
import { rowName } from './naming.js';
import { aOrAn, idsLine, jsObject, loadedName, parentAt, readLoaded, sqlLevelFix, unknownParentNote } from './orm-code.js';

/*
 * drizzle-orm, in the words of the app's schema module (read from the db passed in `instrument`,
 * made with `drizzle(pool, { schema })`): the relation already loaded by the parent's `with` →
 * read it; the parent can load it → `db.query.<table>.findMany({ with })`, a per-row `orderBy` /
 * `limit` kept inside it; otherwise one `inArray` query (`selectDistinctOn` for a per-row LIMIT 1).
 * Tables are named by their variable in the schema (`articles`), so results get a name of their
 * own (`articleRows`) that does not hide the table.
 */

const rows = (model: OrmModel) => `${rowName(model.name)}Rows`;
const row = (model: OrmModel) => rowName(model.name) || 'row';
const column = (model: OrmModel, property: string) => `${model.name}.${property}`;

/** The extra `column = value` conditions as drizzle expressions: `eq(comments.approved, true)`. */
const otherConditions = (plan: OrmFixPlan, table = plan.child.name) => plan.others.map((o) => `eq(${table}.${o.property}, ${literal(o.value)})`);

/** The value of `with: { <relation>: … }`: `true`, or the per-row where/orderBy/limit to keep. */
function withValue(plan: OrmFixPlan): string {
  if (plan.then) return jsObject([['with', jsObject([[plan.then.name, 'true']])]]);
  const table = plan.child.name;
  const entries: Array<[string, string]> = [];
  const others = otherConditions(plan);
  if (others.length > 0) entries.push(['where', `(${table}, { and, eq }) => ${others.length === 1 ? others[0] : `and(${others.join(', ')})`}`]);
  if (plan.order.length > 0) {
    const helpers = [...new Set(plan.order.map((o) => o.direction))].join(', ');
    entries.push(['orderBy', `(${table}, { ${helpers} }) => [${plan.order.map((o) => `${o.direction}(${column(plan.child, o.property)})`).join(', ')}]`]);
  }
  if (plan.limit !== null) entries.push(['limit', String(plan.limit)]);
  return entries.length === 0 ? 'true' : jsObject(entries);
}

function withParent(input: FixInput, plan: OrmFixPlan, parent: OrmModel): Omit<Suggestion, 'reason'> {
  const relation = plan.relation!;
  const accessor = parent.accessor ?? `db.query.${parent.name}`;
  const loop = input.call?.model === plan.child.name ? `one ${plan.child.name} query` : 'one query';
  if (plan.loaded && plan.order.length === 0 && plan.limit === null && plan.others.length === 0 && !plan.droppedConditions) {
    return {
      title: `Read ${row(parent)}.${relation.name}: the ${parent.name} query already loads it (with)`,
      code: [
        `// The ${accessor}.findMany${parentAt(input)} already loads ${loadedName(plan)}:`,
        `// read it from each ${row(parent)} instead of ${loop} per ${row(parent)}.`,
        `const ${rows(parent)} = await ${accessor}.findMany({ with: ${jsObject([[relation.name, withValue(plan)]])} }); // your query, unchanged`,
        `const ${relation.name}List = ${rows(parent)}.map((${row(parent)}) => ${readLoaded(plan, row(parent))});`,
      ].join('\n'),
      orm: 'drizzle-orm',
    };
  }
  const select = parentCallOf(input)?.method === 'select' ? ' (your db.select() becomes a relational query: move its where/orderBy here)' : '';
  return {
    title: `Load ${relation.name} with the ${parent.name} query (with)`,
    code: [
      `const ${rows(parent)} = await ${accessor}.findMany({`,
      `  // …the where/orderBy it has${parentAt(input)}${select}`,
      `  with: ${jsObject([[relation.name, withValue(plan)]])},`,
      ...(plan.droppedConditions ? [`  // …and the other conditions the loop's query had, in the relation's where`] : []),
      `});`,
      `// then read ${readLoaded(plan, row(parent))} instead of ${loop} per ${row(parent)}`,
    ].join('\n'),
    orm: 'drizzle-orm',
  };
}

function batched(input: FixInput, plan: OrmFixPlan): Omit<Suggestion, 'reason'> | null {
  const { child, key, relation, parent } = plan;
  if (!key.model || !key.property) return null;
  const unknown = plan.parentKnown ? '' : ' (the list the loop went over was not identified)';
  const eagerLoad = relation && parent ? { where: `${aOrAn(`${parent.accessor ?? `db.query.${parent.name}`}.findMany`)}`, how: `with: ${jsObject([[relation.name, withValue(plan)]])}` } : null;
  const note = [...unknownParentNote(plan, eagerLoad), idsLine(input, plan)];
  const keyColumn = column(key.model, key.property);
  const conditions = [`inArray(${keyColumn}, ids)`, ...otherConditions(plan, key.model.name)];
  const where = conditions.length === 1 ? conditions[0] : `and(${conditions.join(', ')})`;
  const helpers = (extra: string[]) => importLines([...new Set([...(conditions.length > 1 ? ['and', 'eq'] : []), 'inArray', ...extra])].sort(), 'drizzle-orm', input.moduleSystem ?? null).join('\n');
  const dropped = plan.droppedConditions ? [`// …and the other conditions of the loop's query`] : [];
  if (plan.then) {
    // The ids sit on the join table: load its rows with what they point at.
    return {
      title: `Load the ${key.model.name} rows and their ${plan.then.name} in one query (inArray)${unknown}`,
      code: [helpers([]), '', ...note, ...dropped,
        `const ${rows(key.model)} = await ${key.model.accessor ?? `db.query.${key.model.name}`}.findMany({ where: ${where}, with: { ${plan.then.name}: true } });`].join('\n'),
      orm: 'drizzle-orm',
    };
  }
  if (key.model !== child) return null;
  const directions = [...new Set(plan.order.map((o) => o.direction))];
  const orderBy = plan.order.map((o) => `${o.direction}(${column(child, o.property)})`);
  if (plan.limit === 1 && input.dialect === 'postgres') {
    // DISTINCT ON keeps the first row of each key in ORDER BY's order: the per-row LIMIT 1.
    return {
      title: `Load the first ${row(child)} of each ${key.property} in one query (selectDistinctOn)${unknown}`,
      code: [helpers(directions), '', ...note, ...dropped,
        `const ${rows(child)} = await db.selectDistinctOn([${keyColumn}]).from(${child.name})`,
        `  .where(${where})`,
        `  .orderBy(${[keyColumn, ...orderBy].join(', ')});`].join('\n'),
      orm: 'drizzle-orm',
    };
  }
  const limitNote = plan.limit === null ? [] : [`// drizzle's select has no per-row limit: this loads every matching ${row(child)}; keep the first ${plan.limit} of each ${key.property}.`];
  return {
    title: `Load the ${child.name} with one inArray(${keyColumn}, …)${unknown}`,
    code: [helpers(directions), '', ...note, ...dropped, ...limitNote,
      `const ${rows(child)} = await db.select().from(${child.name}).where(${where})${orderBy.length ? `.orderBy(${orderBy.join(', ')})` : ''};`].join('\n'),
    orm: 'drizzle-orm',
  };
}

/**
 * The drizzle fix for an N+1, or null without the app's schema (`input.schema`, from a db made
 * with `drizzle(pool, { schema })`).
 *
 * @example
 * drizzleFix({ ...input, schema, parent: { query: articlesQuery, where: 'routes/articles.ts:12' } })
 * // { title: 'Load author with the articles query (with)', code: 'const articleRows = await db.query.articles.findMany({ … with: { author: true } …', orm: 'drizzle-orm' }
 */
export function drizzleFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  const plan = planOrmFix(input);
  if (!plan || plan.schema.orm !== 'drizzle') return sqlLevelFix(input);
  if (plan.relation && plan.parent && plan.parentKnown) return withParent(input, plan, plan.parent);
  return batched(input, plan);
}
