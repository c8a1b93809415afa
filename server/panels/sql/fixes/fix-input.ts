import type { Dialect, OrmCall, QueryLibrary, QueryRecord } from '../../../types.js';
import type { SqlFilter, SqlShape } from '../sql-shape.js';
import type { OrmRelation, OrmSchema } from '../orm/schema.js';
import { camelCase, modelName, singular } from './naming.js';

/**
 * How the repeated query relates to the query that fetched the list it loops over: `posts` →
 * `authors` by `posts.author_id = authors.id` (belongs-to), or `posts` → `comments` by
 * `comments.post_id = posts.id` (has-many).
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

/** Everything a library's fix wording needs, computed once by the dispatcher. */
export interface FixInput {
  library: QueryLibrary;
  dialect: Dialect;
  /** The first repeated query, as run, and its params. */
  sql: string;
  params: unknown[];
  shape: SqlShape & { table: string };
  /** The comparison whose value changed from run to run; null when none could be read. */
  filter: SqlFilter | null;
  relation: Relation | null;
  /** The child's model name: the ORM's alias (`"Author"`) or a guess from the table. */
  model: string;
  /** A few of the values looked up, for a comment in the fix. */
  sampleValues: unknown[];
  /**
   * The app's schema, read from the ORM object passed in `instrument` (server/panels/sql/orm/):
   * the names a fix may print. Absent or null without one, and then no ORM names are printed.
   */
  schema?: OrmSchema | null;
  /**
   * The query whose rows the loop walks, when identified, and `file:line` of its call site. With
   * the ORM object passed, `query.ormCall` says which ORM call ran it (model, method, the
   * relations it loaded).
   */
  parent?: { query: QueryRecord; where: string | null } | null;
  /** The relation the loop walks (parent's model → repeated query's), when already resolved from `schema`. */
  link?: { relation: OrmRelation; loaded?: boolean } | null;
  /** The table of the varying column, when already read from the SQL. */
  filterTable?: string | null;
  /** The ORM call of the first repeated query, when the toolbar saw it. */
  call?: OrmCall | null;
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
 * The relation between a parent query (the one that fetched the list) and the repeated one, from
 * their tables and the repeated query's filter column: `id` means each parent row pointed at one
 * child (belongs-to), `post_id` on a `posts` parent means each parent has many children.
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
