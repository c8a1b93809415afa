import type { OrmSchema } from './schema.js';

/**
 * Placeholder until the Typeorm reader lands (branch orm-more): nothing read yet, so fixes for
 * Typeorm stay at the SQL level and say what passing the ORM object would add.
 *
 * @example
 * readTypeormSchema(orm) // null
 */
export function readTypeormSchema(_orm: unknown): OrmSchema | null {
  return null;
}
