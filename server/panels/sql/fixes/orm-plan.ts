import type { OrmCall } from '../../../types.js';
import { sqlShape } from '../sql-shape.js';
import type { OrmColumn, OrmModel, OrmRelation, OrmSchema } from '../orm/schema.js';
import type { FixInput } from './fix-input.js';
import { orderAndLimit, tableAliases } from './sql-clauses.js';

/*
 * What an ORM fix (Prisma, TypeORM, drizzle) needs to know, all of it read from the app's schema
 * and the SQL, never guessed from table names: the model the loop looked up, the relation it
 * walked from the parent's model (found from the varying column, wherever it sits: on the child,
 * on a join table, on the parent's table inside a subquery), whether the parent query already
 * loaded it, and the per-row ORDER BY / LIMIT to keep.
 */

/** The varying column, on the model (or join table) that holds it. */
export interface OrmKey {
  table: string;
  column: string;
  model: OrmModel | null;
  /** The property the app's code names it by, when the model has one for it. */
  property: string | null;
}

export interface OrmFixPlan {
  schema: OrmSchema;
  /** The model the repeated query reads. */
  child: OrmModel;
  key: OrmKey;
  /** The relation the loop walks, from `parent` towards `child`, when exactly one fits. */
  relation: OrmRelation | null;
  /** drizzle has no many-to-many: `articles.tagLinks` then `articleTags.tag`; this is the second step. */
  then: OrmRelation | null;
  /** The model whose rows the loop went over, when known (from the relation, the parent call or the parent query's table). */
  parent: OrmModel | null;
  /** Whether the query that fetched those rows was identified. */
  parentKnown: boolean;
  /** More than one relation fits and none is known to be it: named, not chosen. */
  candidates: OrmRelation[];
  /** The parent call already loads `relation` (include / relations / with). */
  loaded: boolean;
  /** Per-row ORDER BY and LIMIT of a lookup that returns several rows per parent. */
  order: { property: string; column: string; direction: 'asc' | 'desc' }[];
  limit: number | null;
  /** Equality conditions of the repeated query besides the varying one, on the child's own columns. */
  others: { property: string; value: unknown }[];
  /** Some conditions could not be carried over (not plain `column = value`): the fix says so. */
  droppedConditions: boolean;
}

const modelByTable = (schema: OrmSchema, table: string) => schema.models.find((m) => m.table === table) ?? null;
const modelByName = (schema: OrmSchema, name: string | undefined) => (name ? schema.models.find((m) => m.name === name) ?? null : null);
const propertyOf = (model: OrmModel | null, column: string): OrmColumn | undefined => model?.columns.find((c) => c.column === column);

const allRelations = (schema: OrmSchema) => schema.models.flatMap((m) => m.relations);
/** The column alone picks one row: a single-column primary key (a join table's composite key does not). */
const isKey = (model: OrmModel, column: string) => model.primaryKey.length === 1 && model.primaryKey[0] === column;

/** The table the varying column sits on: its qualifier resolved through the aliases, or the one FROM/JOIN table that has it. */
function keyOf(input: FixInput, schema: OrmSchema, child: OrmModel): OrmKey | null {
  const filter = input.filter;
  if (!filter) return null;
  const aliases = tableAliases(input.sql, input.dialect);
  let table = input.filterTable ?? (filter.qualifier ? aliases.get(filter.qualifier) ?? filter.qualifier : child.table);
  if (!input.filterTable && !filter.qualifier && !propertyOf(child, filter.column)) {
    const holders = [...new Set(aliases.values())].filter((t) => propertyOf(modelByTable(schema, t), filter.column));
    if (holders.length === 1) table = holders[0];
  }
  const model = modelByTable(schema, table);
  return { table, column: filter.column, model, property: propertyOf(model, filter.column)?.property ?? null };
}

/** Relations that lead from some model to `child` and whose rows are picked by `key`. */
function candidatesFor(schema: OrmSchema, child: OrmModel, key: OrmKey): { relation: OrmRelation; then: OrmRelation | null }[] {
  const relations = allRelations(schema);
  const single = (list: OrmRelation[]) => list.map((relation) => ({ relation, then: null }));
  if (key.table === child.table) {
    // The child's own key: each parent row pointed at one child (belongs-to). Any other column of
    // the child is its foreign key to the parent (has-many, has-one).
    const byKey = isKey(child, key.column);
    return single(relations.filter((r) => r.target === child.name && r.targetColumn === key.column
      && (byKey ? r.kind === 'belongs-to' : r.kind === 'has-many' || r.kind === 'has-one')));
  }
  const viaJoinTable = relations.filter((r) => r.kind === 'many-to-many' && r.target === child.name && r.through?.table === key.table && r.through.sourceColumn === key.column);
  if (viaJoinTable.length > 0) return single(viaJoinTable);
  if (key.model && !isKey(key.model, key.column)) {
    // A join model of its own (drizzle, explicit Prisma/TypeORM join entities): parent → join rows → child.
    const join = key.model;
    const toChild = join.relations.filter((r) => r.kind === 'belongs-to' && r.target === child.name);
    const fromParent = relations.filter((r) => r.target === join.name && (r.kind === 'has-many' || r.kind === 'has-one') && r.targetColumn === key.column);
    if (toChild.length === 1) return fromParent.map((relation) => ({ relation, then: toChild[0] }));
    return [];
  }
  if (key.model) {
    // The parent's own key inside a subquery or join (Prisma's `EXISTS (… "j0"."id" = $1)`).
    const parent = key.model;
    return single(parent.relations.filter((r) => r.target === child.name && r.kind !== 'belongs-to'));
  }
  return [];
}

/** The ORM call that ran the parent query, when the toolbar saw it (`instrument: { prisma }`…). */
export const parentCallOf = (input: FixInput): OrmCall | null => input.parent?.query.ormCall ?? null;

/** `file:line` of the parent query. */
export const parentWhereOf = (input: FixInput): string | null => input.parent?.where ?? null;

/** The model whose rows the loop went over, as the parent call or the parent query's table says. */
function knownParent(input: FixInput, schema: OrmSchema): OrmModel | null {
  const table = input.parent ? sqlShape(input.parent.query.sql, input.dialect).table : input.relation?.parentTable;
  return modelByName(schema, parentCallOf(input)?.model) ?? (table ? modelByTable(schema, table) : null);
}

function loadsRelation(call: OrmCall | null | undefined, relation: OrmRelation | null): boolean {
  return Boolean(call && relation && call.loads?.includes(relation.name) && (!call.model || call.model === relation.source));
}

function conditions(input: FixInput, child: OrmModel): { others: OrmFixPlan['others']; dropped: boolean } {
  const others: OrmFixPlan['others'] = [];
  let dropped = false;
  const aliases = tableAliases(input.sql, input.dialect);
  for (const filter of input.shape.filters) {
    if (input.filter && filter.start === input.filter.start) continue;
    const table = filter.qualifier ? aliases.get(filter.qualifier) ?? filter.qualifier : child.table;
    const column = table === child.table ? propertyOf(child, filter.column) : undefined;
    if (filter.operator !== '=' || filter.paramIndex === null || !column) { dropped = true; continue; }
    others.push({ property: column.property, value: input.params[filter.paramIndex] });
  }
  return { others, dropped };
}

/**
 * The ORM-level reading of an N+1, or null when the schema does not know the table it reads (or
 * no schema was passed): then the fix stays at the SQL level.
 *
 * @example
 * planOrmFix({ ...input, schema }) // { child: User, key: { column: 'id', … }, relation: Article.author, parent: Article, loaded: false, … }
 */
export function planOrmFix(input: FixInput): OrmFixPlan | null {
  const schema = input.schema;
  if (!schema) return null;
  const child = modelByTable(schema, input.shape.table);
  const key = child && keyOf(input, schema, child);
  if (!child || !key) return null;
  const parentModel = knownParent(input, schema);
  let found = candidatesFor(schema, child, key);
  const given = input.link?.relation;
  if (given && found.some((c) => c.relation === given || c.relation.name === given.name && c.relation.source === given.source)) {
    found = found.filter((c) => c.relation.name === given.name && c.relation.source === given.source);
  } else if (parentModel) {
    // The loop went over the parent's rows: only a relation of the parent's can be the one walked.
    found = found.filter((c) => c.relation.source === parentModel.name);
  }
  const chosen = found.length === 1 ? found[0] : null;
  const relation = chosen?.relation ?? null;
  let then = chosen?.then ?? null;
  if (!then && relation?.kind === 'has-many') {
    // Rows of a join model read together with what they point at (`FROM article_tags JOIN tags`):
    // the loop wanted the far side.
    const joined = new Set(tableAliases(input.sql, input.dialect).values());
    const onward = child.relations.filter((r) => r.kind === 'belongs-to' && r.sourceColumn !== key.column
      && joined.has(modelByName(schema, r.target)?.table ?? ''));
    if (onward.length === 1) then = onward[0];
  }
  const parent = relation ? modelByName(schema, relation.source) : parentModel;
  const parentKnown = Boolean(parentModel && parent && parentModel.name === parent.name);
  const perRow = relation && relation.kind !== 'belongs-to' && relation.kind !== 'has-one' || !relation && !isKey(child, key.column);
  const { order, limit } = perRow ? orderAndLimit(input.sql, input.params, input.dialect) : { order: [], limit: null };
  const { others, dropped } = conditions(input, child);
  return {
    schema, child, key, relation, then, parent, parentKnown,
    candidates: chosen ? [] : found.map((c) => c.relation),
    loaded: parentKnown && (loadsRelation(parentCallOf(input), relation) || Boolean(input.link?.loaded && given === relation)),
    order: order.flatMap((o) => {
      const column = propertyOf(child, o.column);
      return column ? [{ property: column.property, column: o.column, direction: o.direction }] : [];
    }),
    limit: perRow ? limit : null,
    others,
    droppedConditions: dropped,
  };
}
