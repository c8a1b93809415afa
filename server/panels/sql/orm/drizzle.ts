import type { OrmSchema } from './schema.js';

/**
 * Placeholder until the Drizzle reader lands (branch orm-more): nothing read yet, so fixes for
 * Drizzle stay at the SQL level and say what passing the ORM object would add.
 *
 * @example
 * readDrizzleSchema(orm) // null
 */
export function readDrizzleSchema(_orm: unknown): OrmSchema | null {
  return null;
}
