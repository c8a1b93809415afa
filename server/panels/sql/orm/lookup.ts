import type { OrmModel, OrmRelation, OrmSchema } from './schema.js';

/*
 * Questions a fix asks of the app's schema. Each answers from the ORM's metadata only, and says
 * "not known" (null, or an empty list) rather than guess: a fix prints a name only when it is here.
 */

/** Table names compare without case (MySQL on macOS/Windows folds them; quoted PostgreSQL ones rarely differ). */
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The model mapped to a table; when several share it (a join table with a model of its own and
 * one Sequelize made up), the one that declares relations wins, then the first.
 *
 * @example
 * modelByTable(schema, 'users')?.name // 'User'
 */
export function modelByTable(schema: OrmSchema | null, table: string): OrmModel | null {
  if (!schema) return null;
  const models = schema.models.filter((m) => same(m.table, table));
  return models.find((m) => m.relations.length > 0) ?? models[0] ?? null;
}

/** The model the app's code calls `name` (`User`), or null. */
export function modelByName(schema: OrmSchema | null, name: string): OrmModel | null {
  return schema?.models.find((m) => m.name === name) ?? null;
}

/** The property that holds a column: `author_id` → `authorId`; null when the model has no such column. */
export function propertyOf(model: OrmModel, column: string): string | null {
  return model.columns.find((c) => same(c.column, column))?.property ?? null;
}

/** The column behind a property or column name as the SQL may write it; null when unknown. */
export function columnOf(model: OrmModel, name: string): string | null {
  return model.columns.find((c) => c.property === name || same(c.column, name))?.column ?? null;
}

/** Whether a model's table has this column (by the ORM's own column list). */
export function hasColumn(model: OrmModel, column: string): boolean {
  return model.columns.some((c) => same(c.column, column));
}

/**
 * The relations a parent model declares that reach a child query keyed on `childColumn` of
 * `childTable`: the relations the loop could have been walking. belongs-to matches when the child
 * is looked up by the target's key (`users.id` for `Article.author`); has-one/has-many when it is
 * looked up by the foreign key on the target (`comments.article_id`); many-to-many when the
 * lookup is on the join table's column pointing at the parent (`article_tags.article_id`), the
 * child being the target or the join table itself. When the key is the parent's own primary key
 * (`articles.id` compared in a JOIN or subquery of a `tags` query, as Prisma and TypeORM filter by
 * a relation), the relations from the parent to `lookedUpTable`, the repeated query's own table.
 *
 * @example
 * relationsFor(schema, 'articles', 'users', 'id') // [Article.author]
 * relationsFor(schema, 'articles', 'article_tags', 'article_id') // [Article.tagList]
 * relationsFor(schema, 'articles', 'articles', 'id', 'tags') // [Article.tagList]
 */
export function relationsFor(
  schema: OrmSchema | null, parentTable: string, childTable: string, childColumn: string, lookedUpTable?: string,
): OrmRelation[] {
  const parent = modelByTable(schema, parentTable);
  if (!schema || !parent) return [];
  const targetTable = (relation: OrmRelation) => schema.models.find((m) => m.name === relation.target)?.table;
  // A self-relation (users.manager → users.id) is looked up in its own table: only a lookup of
  // another table keyed by the parent's id is this case.
  if (lookedUpTable && !same(lookedUpTable, parentTable) && same(childTable, parentTable)
    && parent.primaryKey.length === 1 && same(parent.primaryKey[0], childColumn)) {
    return parent.relations.filter((relation) => relation.kind !== 'belongs-to' && same(targetTable(relation) ?? '', lookedUpTable));
  }
  return parent.relations.filter((relation) => {
    const target = targetTable(relation);
    if (relation.kind === 'many-to-many') {
      const through = relation.through;
      return !!through && same(through.sourceColumn, childColumn)
        && (same(through.table, childTable) || (!!target && same(target, childTable)));
    }
    if (!target || !same(target, childTable)) return false;
    return same(relation.targetColumn, childColumn);
  });
}

/**
 * The single relation for a loop, or null when there is none or more than one could be it (then
 * `relationsFor` lists them and the fix says which to pick).
 *
 * @example
 * relationFor(schema, 'articles', 'users', 'id')?.name // 'author'
 */
export function relationFor(
  schema: OrmSchema | null, parentTable: string, childTable: string, childColumn: string, lookedUpTable?: string,
): OrmRelation | null {
  const found = relationsFor(schema, parentTable, childTable, childColumn, lookedUpTable);
  return found.length === 1 ? found[0] : null;
}
