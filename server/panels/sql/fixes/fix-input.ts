import type { CallSite, Dialect, OrmCall, QueryLibrary, QueryRecord } from '../../../types.js';
import type { ColumnRef, SqlFilter, SqlShape, SqlTable } from '../sql-shape.js';
import type { OrmModel, OrmName, OrmRelation, OrmSchema } from '../orm/schema.js';
import type { ModuleSystemAnswer } from '../../../stack/module-system.js';
import { camelCase, modelName, singular } from './naming.js';

/**
 * How the repeated query relates to the query that fetched the list it loops over, guessed from
 * table and column names: `posts` → `authors` by `posts.author_id = authors.id` (belongs-to).
 * Kept for the wordings that do not read the ORM's schema yet; a name from here is a guess, so
 * a fix that has {@link FixInput.link} names the schema's relation instead.
 */
export interface Relation {
  kind: 'belongs-to' | 'has-many';
  parentQueryId: number;
  parentTable: string;
  /** The parent's model name: its SQL alias when the ORM set one (`"Post"`), else guessed from the table. */
  parentModel: string;
  /** The field of each parent row that holds the values the loop looked up: `author_id` or `id`. */
  parentKey: string;
  /** The association's default name: `author` (belongs-to), `comments` (has-many). */
  association: string;
}

/** The query the loop walks the rows of, found from the stacks (parent-query.ts). */
export interface ParentQuery {
  query: QueryRecord;
  shape: SqlShape & { table: string };
  /** `routes/articles.js:12`, relative to the project. */
  where: string | null;
  /** The ORM method that ran it, as the app wrote it (`findAll`, `findAndCountAll`, `getComments`); null when the stack does not say. */
  call: string | null;
  /** What the app called it on: the model (`Article`), or a row for an association accessor (`article`); null when not known. */
  receiver: string | null;
  /** The call returns `{ rows, count }` (findAndCountAll): the loop goes over `.rows`. */
  rows: boolean;
  /** Its model in the app's schema, when the ORM object was passed. */
  model: OrmModel | null;
}

/** The relation the loop walks, from the ORM's own metadata. */
export interface OrmLink {
  relation: OrmRelation;
  parent: OrmModel;
  target: OrmModel;
  /** The parent query already joins it (an include): each row holds it, no query is needed. */
  loaded: boolean;
}

/** Everything a library's fix wording needs, computed once by the dispatcher (analysis.ts). */
export interface FixInput {
  library: QueryLibrary;
  dialect: Dialect;
  /** The first repeated query, as run, and its params. */
  sql: string;
  params: unknown[];
  shape: SqlShape & { table: string };
  /** The comparison whose value changed from run to run (in WHERE, a JOIN's ON or a subquery); null when none could be read. */
  filter: SqlFilter | null;
  /** The table of the varying column: from the SQL, else from the ORM's columns; null when unsure. */
  filterTable: string | null;
  /** @deprecated a guess from names, for the wordings not reading the schema yet; see `link`. */
  relation: Relation | null;
  /** @deprecated the child's model name: the ORM's SQL alias or a guess; see `childModel`. */
  model: string;
  /** A few of the values looked up, for a comment in the fix. */
  sampleValues: unknown[];
  /** Every distinct value looked up, in order. */
  values: unknown[];
  /** The app's schema, read from the ORM object passed in `instrument`; null without one. */
  schema: OrmSchema | null;
  /** The ORM objects passed in `instrument`, read or not. */
  ormNames: OrmName[];
  /** The model of the repeated query's table, from the schema. */
  childModel: OrmModel | null;
  /** The query whose rows the loop walks; null when it cannot be identified. */
  parent: ParentQuery | null;
  /** The relation between parent and child in the schema; null when not known. */
  link: OrmLink | null;
  /**
   * The parent query's SQL already JOINs the repeated query's table on the varying column (read
   * from its ON clause, schema or not): each parent row could carry what the loop fetches again.
   */
  joined: { table: SqlTable; parentColumn: ColumnRef } | null;
  /** Why no single varying comparison was found (`filter` is null), for the fix to say so. */
  unbatchable: string | null;
  /** Several relations could be it (Article.author and Article.editor both reach users.id). */
  ambiguous: OrmRelation[];
  /** The user's frames of the first repeated query, innermost first (a helper, then the loop). */
  stack: CallSite[];
  /** `file:line` of the loop. */
  where: string | null;
  /** The ORM call of the first repeated query, when the toolbar saw it (instrument: { prisma, typeorm, drizzle }). */
  call?: OrmCall | null;
  /** Whether the loop's file is CommonJS or an ES module: a fix's imports are written as that file writes them. */
  moduleSystem?: ModuleSystemAnswer | null;
}

function keyFor(table: string, parentColumns: readonly string[] | null): string {
  const one = singular(table);
  const candidates = [`${one}_id`, `${camelCase(one)}Id`, `${one}id`];
  if (parentColumns) {
    const found = candidates.find((c) => parentColumns.includes(c));
    if (found) return found;
    const foreignKeys = parentColumns.filter((c) => /(_id|Id)$/.test(c));
    if (foreignKeys.length === 1) return foreignKeys[0];
  }
  return candidates[0];
}

/**
 * The relation between a parent query and the repeated one guessed from their tables and the
 * repeated query's filter column: `id` means each parent row pointed at one child (belongs-to),
 * `post_id` on a `posts` parent means each parent has many children.
 */
export function inferRelation(
  child: { table: string; filter: SqlFilter | null },
  parent: { id: number; shape: SqlShape },
): Relation | null {
  const parentTable = parent.shape.table;
  if (!parentTable || !child.filter || parentTable === child.table) return null;
  const parentModel = parent.shape.alias && /^[A-Z]/.test(parent.shape.alias) ? parent.shape.alias : modelName(parentTable);
  const column = child.filter.column;
  const parentOne = singular(parentTable);
  if (column === 'id') {
    return {
      kind: 'belongs-to', parentQueryId: parent.id, parentTable, parentModel,
      parentKey: keyFor(child.table, parent.shape.columns), association: camelCase(singular(child.table)),
    };
  }
  if ([`${parentOne}_id`, `${camelCase(parentOne)}Id`, `${parentOne}id`].includes(column)) {
    return { kind: 'has-many', parentQueryId: parent.id, parentTable, parentModel, parentKey: 'id', association: camelCase(child.table) };
  }
  return null;
}
