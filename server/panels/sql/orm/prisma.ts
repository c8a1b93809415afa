import type { OrmSchema } from './schema.js';

/**
 * Placeholder until the Prisma reader lands (branch orm-more): nothing read yet, so fixes for
 * Prisma stay at the SQL level and say what passing the ORM object would add.
 *
 * @example
 * readPrismaSchema(orm) // null
 */
export function readPrismaSchema(_orm: unknown): OrmSchema | null {
  return null;
}
