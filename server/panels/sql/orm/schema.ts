/**
 * What the toolbar knows of the app's schema, read from the ORM object the app passed in
 * `instrument` (`{ sequelize }`, `{ prisma }`, `{ typeorm }`, `{ drizzle }`). Fixes name models,
 * relations and columns from here, never from a guess on table names: when a name is not in the
 * schema, the fix says it is not known.
 *
 * One reader per ORM in this folder turns the ORM's own metadata into an {@link OrmSchema}; the
 * readers run lazily (models are usually defined after the middleware is created) and their
 * result is cached until the ORM's model count changes.
 */

/** The ORMs whose metadata the toolbar reads. */
export type OrmName = 'sequelize' | 'prisma' | 'typeorm' | 'drizzle';

/** One column of a model: the property the app's code uses and the column the SQL names. */
export interface OrmColumn {
  property: string;
  column: string;
}

/**
 * A relation as the ORM declares it, from the model that declares it (`source`) to the other
 * (`target`), with its real property name: `Article.author` → `User` by `articles.author_id = users.id`.
 */
export interface OrmRelation {
  /** The property on the source model, exactly as the ORM knows it: `author`, `comments`, `tagList`. */
  name: string;
  kind: 'belongs-to' | 'has-one' | 'has-many' | 'many-to-many';
  /** Model names (as the app's code names them: `User`, or Prisma's `user` accessor is on OrmModel). */
  source: string;
  target: string;
  /**
   * The columns that join source to target. belongs-to: `sourceColumn` is the foreign key on the
   * source table, `targetColumn` the target's key. has-one/has-many: `sourceColumn` is the source's
   * key, `targetColumn` the foreign key on the target table. many-to-many: both are the keys the
   * join table points at, and `through` names the join table and its two foreign keys.
   */
  sourceColumn: string;
  targetColumn: string;
  /**
   * The methods the ORM adds to a source row for this relation, by kind, as the app calls them
   * (Sequelize: `{ get: 'getComments', has: 'hasComment', count: 'countComments', … }`).
   */
  accessors?: Record<string, string>;
  through?: {
    table: string;
    /** The join table's model, when the ORM has one (Sequelize `through: ArticleTag`). */
    model?: string;
    /** The join table's column pointing at the source, and the one pointing at the target. */
    sourceColumn: string;
    targetColumn: string;
  };
}

/** One model: its name in code, the table it maps, its columns and the relations it declares. */
export interface OrmModel {
  /** As the app's code names it: `User` (Sequelize/TypeORM class or model name, Prisma model name, drizzle table variable). */
  name: string;
  /** How code reaches it when that is not the name itself: Prisma's `prisma.user`, drizzle's `db.query.users`. */
  accessor?: string;
  table: string;
  /** The database schema (PostgreSQL) when not the default one. */
  schema?: string;
  primaryKey: string[];
  columns: OrmColumn[];
  relations: OrmRelation[];
}

export interface OrmSchema {
  orm: OrmName;
  models: OrmModel[];
}
