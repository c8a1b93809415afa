import type { OrmColumn, OrmModel, OrmRelation, OrmSchema } from './schema.js';

/*
 * drizzle-orm's metadata, read from the db the app passed (`instrument: { drizzle: db }`), made
 * with its schema: `drizzle(pool, { schema })`. The db keeps the relational config at `db._.schema`:
 * for each table, its name in the app's schema module (`tsName`: the variable `articles`), its SQL
 * name (`dbName`), its columns by property (`authorId` → column `author_id`), its primary key and
 * the relations declared with `relations()`. A `one()` relation with `fields`/`references` holds
 * the foreign key; a `many()` (or a `one()` without fields) is read through the `one()` of the
 * other table that points back, as drizzle itself does (`normalizeRelation`). drizzle has no
 * many-to-many: it goes through the join table's own relations.
 */

interface DrizzleColumn {
  name: string;
}

interface DrizzleRelation {
  constructor?: { name?: string };
  relationName?: string;
  referencedTableName?: string;
  referencedTable?: object;
  sourceTable?: object;
  config?: { fields?: DrizzleColumn[]; references?: DrizzleColumn[]; relationName?: string };
}

interface TableConfig {
  tsName: string;
  dbName: string;
  schema?: string;
  columns: Record<string, DrizzleColumn>;
  relations: Record<string, DrizzleRelation>;
  primaryKey: DrizzleColumn[];
}

// drizzle stores a table's names under these registered symbols (drizzle-orm/table).
const NAME = Symbol.for('drizzle:Name');
const SCHEMA = Symbol.for('drizzle:Schema');

const tableKey = (name: unknown, schema: unknown) => `${typeof schema === 'string' ? schema : ''}.${String(name)}`;

const ENTITY_KIND = Symbol.for('drizzle:entityKind');

/** A `one()` relation: drizzle marks its classes with an entity kind, `One` or `Many`. */
const isOne = (relation: DrizzleRelation) =>
  ((relation.constructor as Record<symbol, unknown> | undefined)?.[ENTITY_KIND] ?? relation.constructor?.name) === 'One';

function tsNameOf(table: object | undefined, byTable: Map<string, TableConfig>): TableConfig | undefined {
  if (!table) return undefined;
  const record = table as Record<symbol, unknown>;
  return byTable.get(tableKey(record[NAME], record[SCHEMA]));
}

/** The `one()` on `target` that points back at `source`: the key of a `many()` from `source`. */
function inverseOf(name: string, relation: DrizzleRelation, source: TableConfig, target: TableConfig,
  byTable: Map<string, TableConfig>): DrizzleRelation | undefined {
  const candidates = Object.entries(target.relations).filter(([otherName, other]) =>
    other.config?.fields?.length && tsNameOf(other.referencedTable, byTable) === source
    && !(target === source && otherName === name));
  const named = relation.relationName
    ? candidates.filter(([, other]) => other.relationName === relation.relationName)
    : candidates.filter(([, other]) => !other.relationName);
  const pick = named.length > 0 ? named : candidates;
  return pick.length === 1 ? pick[0][1] : undefined;
}

function relationOf(name: string, relation: DrizzleRelation, source: TableConfig, byTable: Map<string, TableConfig>): OrmRelation | null {
  const target = tsNameOf(relation.referencedTable, byTable);
  if (!target) return null;
  const base = { name, source: source.tsName, target: target.tsName };
  const fields = relation.config?.fields;
  const references = relation.config?.references;
  if (fields?.length && references?.length) {
    return { ...base, kind: 'belongs-to', sourceColumn: fields[0].name, targetColumn: references[0].name };
  }
  const inverse = inverseOf(name, relation, source, target, byTable);
  if (!inverse?.config?.fields?.length || !inverse.config.references?.length) return null;
  return {
    ...base, kind: isOne(relation) ? 'has-one' : 'has-many',
    sourceColumn: inverse.config.references[0].name, targetColumn: inverse.config.fields[0].name,
  };
}

/**
 * The tables, columns and relations of a drizzle db made with a schema, named as the app's schema
 * module names them: `articles` (the table variable, `db.query.articles`), `authorId`, the relation
 * `author`. Null when `db` is not a drizzle db, or was made without a schema (`drizzle(pool)`):
 * then drizzle itself knows no table names.
 *
 * @example
 * readDrizzleSchema(db)?.models.find((m) => m.name === 'articles')?.relations
 * // [{ name: 'author', kind: 'belongs-to', source: 'articles', target: 'users', sourceColumn: 'author_id', targetColumn: 'id' }, …]
 */
export function readDrizzleSchema(db: unknown): OrmSchema | null {
  if (!db || typeof db !== 'object') return null;
  const internals = (db as { _?: { schema?: unknown } })._;
  const schema = internals?.schema;
  if (!schema || typeof schema !== 'object') return null;
  const configs = Object.values(schema as Record<string, TableConfig>);
  if (configs.some((c) => !c || typeof c.dbName !== 'string' || typeof c.columns !== 'object')) return null;
  const byTable = new Map(configs.map((c) => [tableKey(c.dbName, c.schema), c]));
  const models: OrmModel[] = configs.map((config) => {
    const columns: OrmColumn[] = Object.entries(config.columns).map(([property, column]) => ({ property, column: column.name }));
    const relations = Object.entries(config.relations ?? {})
      .map(([name, relation]) => relationOf(name, relation, config, byTable)).filter((r): r is OrmRelation => r !== null);
    return {
      name: config.tsName, accessor: `db.query.${config.tsName}`, table: config.dbName,
      ...(config.schema ? { schema: config.schema } : {}),
      primaryKey: (config.primaryKey ?? []).map((c) => c.name), columns, relations,
    };
  });
  return { orm: 'drizzle', models };
}
