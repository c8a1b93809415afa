import type { QueryLibrary } from '../../../types.js';
import type { OrmSchema } from './schema.js';
import { readPrismaSchema } from './prisma.js';
import { readTypeormSchema } from './typeorm.js';
import { readDrizzleSchema } from './drizzle.js';

/*
 * The schema of the ORM object the app passed in `instrument`, read when a fix first needs it
 * (models are usually defined, and a TypeORM DataSource initialised, after the middleware is
 * created) and kept per object. A reader that found nothing yet is asked again next time.
 */

const READERS: Partial<Record<QueryLibrary, { key: string; read: (orm: unknown) => OrmSchema | null }>> = {
  prisma: { key: 'prisma', read: readPrismaSchema },
  typeorm: { key: 'typeorm', read: readTypeormSchema },
  'drizzle-orm': { key: 'drizzle', read: readDrizzleSchema },
};

const schemas = new WeakMap<object, OrmSchema>();

/**
 * The schema the fixes of `library` may name things from, or null when the app did not pass that
 * ORM's object (or it has no metadata yet).
 *
 * @example
 * ormSchemaFor({ pg, prisma }, 'prisma') // { orm: 'prisma', models: [...] }
 */
export function ormSchemaFor(instrument: object | undefined, library: QueryLibrary): OrmSchema | null {
  const reader = READERS[library];
  const orm = reader && (instrument as Record<string, unknown> | undefined)?.[reader.key];
  if (!reader || !orm || typeof orm !== 'object') return null;
  const cached = schemas.get(orm);
  if (cached) return cached;
  let schema: OrmSchema | null = null;
  try {
    schema = reader.read(orm);
  } catch {
    // An ORM object in an unexpected state: the fix stays at the SQL level.
  }
  if (schema) schemas.set(orm, schema);
  return schema;
}
