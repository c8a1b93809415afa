import { warnOnce } from '../../../log.js';
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
 * The app's schema, read from the first ORM object in `instrument`, or null when there is none
 * (fixes then stay at the SQL level). Read when first needed and cached until the ORM's models
 * change; a reader that throws costs one warning, never the request.
 *
 * @example
 * schemaFor({ pg, sequelize })?.models.map((m) => m.name) // ['User', 'Article', 'Tag']
 */
export function schemaFor(instrument: object | null | undefined): OrmSchema | null {
  if (!instrument) return null;
  for (const name of ORM_KEYS) {
    const orm = (instrument as OrmInstrumentable)[name];
    if (orm === undefined || orm === null || (typeof orm !== 'object' && typeof orm !== 'function')) continue;
    try {
      const schema = readOnce(name, orm);
      if (schema) return schema;
    } catch (error) {
      warnOnce(`orm-schema-${name}`, `could not read the ${name} models; fixes stay at the SQL level`, error);
    }
  }
  return null;
}

/** Which ORM objects `instrument` names, read or not: for the panel to say what passing one would add. */
export function ormNamesIn(instrument: object | null | undefined): OrmName[] {
  if (!instrument) return [];
  return ORM_KEYS.filter((name) => (instrument as OrmInstrumentable)[name] != null);
}
