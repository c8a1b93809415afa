import { warnOnce } from '../../../log.js';
import type { QueryLibrary } from '../../../types.js';
import type { OrmName, OrmSchema } from './schema.js';
import { readSequelizeSchema, sequelizeSchemaVersion } from './sequelize.js';
import { readPrismaSchema } from './prisma.js';
import { readTypeormSchema } from './typeorm.js';
import { readDrizzleSchema } from './drizzle.js';

export type { OrmColumn, OrmModel, OrmName, OrmRelation, OrmSchema } from './schema.js';

/**
 * The ORM objects `instrument` takes besides drivers: the toolbar reads their models and
 * relations so a fix names them exactly. Their SQL is still recorded through the driver
 * underneath (`pg`, `mysql2`, …); for Prisma, TypeORM and drizzle the toolbar also wraps the
 * object's query calls (../orm-calls/) so each query keeps the ORM call and call site that made it.
 */
export interface OrmInstrumentable {
  /** The Sequelize instance (`new Sequelize(…)`), once its models are defined or not: read lazily. */
  sequelize?: unknown;
  /** The PrismaClient: `instrument: { pg, prisma }`. */
  prisma?: unknown;
  /** The TypeORM DataSource: `instrument: { mysql2, typeorm: dataSource }`. */
  typeorm?: unknown;
  /** The drizzle db, created with its schema: `instrument: { pg, drizzle: drizzle(pool, { schema }) }`. */
  drizzle?: unknown;
}

interface Reader {
  /** The schema, or null when the object is not this ORM's or cannot be read (yet). */
  read: (orm: unknown) => OrmSchema | null;
  /** Changes when the app defines more models: the schema is read again then. */
  version?: (orm: unknown) => string;
}

/** One line per ORM; each reader lives in its own file of this folder. */
const READERS: Record<OrmName, Reader> = {
  sequelize: { read: readSequelizeSchema, version: sequelizeSchemaVersion },
  prisma: { read: readPrismaSchema },
  typeorm: { read: readTypeormSchema },
  drizzle: { read: readDrizzleSchema },
};

export const ORM_KEYS = Object.keys(READERS) as OrmName[];

/** Whether `key` of the `instrument` option names an ORM object. */
export function isOrmKey(key: string): key is OrmName {
  return Object.prototype.hasOwnProperty.call(READERS, key);
}

const cache = new WeakMap<object, { version: string; schema: OrmSchema | null }>();

function readOnce(name: OrmName, orm: object): OrmSchema | null {
  const reader = READERS[name];
  const version = reader.version?.(orm) ?? '';
  const cached = cache.get(orm);
  // Read again while nothing was found: models are often defined after the middleware is created.
  if (cached && cached.version === version && cached.schema && cached.schema.models.length > 0) return cached.schema;
  const schema = reader.read(orm);
  cache.set(orm, { version, schema });
  return schema;
}

/**
 * The app's schema, or null when there is none (fixes then stay at the SQL level). With `orm`
 * (the ORM that issued the queries), that ORM's object only: another ORM's names would be wrong
 * in its fix. Without (knex, a driver), the first ORM object's, for table and column names. Read
 * when first needed and cached until the ORM's models change; a reader that throws costs one
 * warning, never the request.
 *
 * @example
 * schemaFor({ pg, sequelize })?.models.map((m) => m.name) // ['User', 'Article', 'Tag']
 * schemaFor({ pg, sequelize, drizzle: db }, 'drizzle')?.orm // 'drizzle'
 */
export function schemaFor(instrument: object | null | undefined, orm?: OrmName | null): OrmSchema | null {
  if (!instrument) return null;
  for (const name of orm ? [orm] : ORM_KEYS) {
    const object = (instrument as OrmInstrumentable)[name];
    if (object === undefined || object === null || (typeof object !== 'object' && typeof object !== 'function')) continue;
    try {
      const schema = readOnce(name, object);
      if (schema) return schema;
    } catch (error) {
      warnOnce(`orm-schema-${name}`, `could not read the ${name} models; fixes stay at the SQL level`, error);
    }
  }
  return null;
}

/**
 * The ORM that issued a query: the call the toolbar saw (`instrument: { prisma }`…), else the
 * library its stack names; null for knex and the drivers.
 *
 * @example
 * ormOfLibrary('drizzle-orm') // 'drizzle'
 */
export function ormOfLibrary(library: QueryLibrary, call?: { orm: OrmName } | null): OrmName | null {
  if (call) return call.orm;
  if (library === 'drizzle-orm') return 'drizzle';
  return isOrmKey(library) ? library : null;
}

/** Which ORM objects `instrument` names, read or not: for the panel to say what passing one would add. */
export function ormNamesIn(instrument: object | null | undefined): OrmName[] {
  if (!instrument) return [];
  return ORM_KEYS.filter((name) => (instrument as OrmInstrumentable)[name] != null);
}
