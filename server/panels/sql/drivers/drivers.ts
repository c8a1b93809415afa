import { instrumentPg } from './pg.js';
import { instrumentPglite } from './pglite.js';
import { instrumentMysql2 } from './mysql2.js';
import { instrumentBetterSqlite3 } from './better-sqlite3.js';
import { instrumentSqlite3 } from './sqlite3.js';

/**
 * The database modules the toolbar records, one key per driver (a knex or Sequelize instance
 * stands for the driver it loaded). Adding a driver is one file in drivers/ and one line in
 * {@link DRIVERS}.
 */
export interface Instrumentable {
  /** The `pg` module: `import pg from 'pg'`. */
  pg?: unknown;
  /** `@electric-sql/pglite`: the module, the `PGlite` class or an instance. */
  pglite?: unknown;
  /**
   * The `mysql2` module: `import mysql from 'mysql2'`. It covers `mysql2/promise` too (whose
   * classes wrap the core ones); passing `mysql2/promise` works as well.
   */
  mysql2?: unknown;
  /** `better-sqlite3`: its default export, the Database class (`import Database from 'better-sqlite3'`). */
  betterSqlite3?: unknown;
  /** `sqlite3` (node-sqlite3): the module, `import sqlite3 from 'sqlite3'`. */
  sqlite3?: unknown;
}

export const DRIVERS: Record<keyof Instrumentable, (module: unknown) => void> = {
  pg: instrumentPg,
  pglite: instrumentPglite,
  mysql2: instrumentMysql2,
  betterSqlite3: instrumentBetterSqlite3,
  sqlite3: instrumentSqlite3,
};

/**
 * The driver module inside a query builder or ORM the app passed instead of it: knex's
 * `client.driver` and Sequelize's `connectionManager.lib` are the very copy they run queries with.
 */
function driverInside(value: unknown): unknown {
  const wrapper = value as { client?: { driver?: unknown }; connectionManager?: { lib?: unknown } } | null;
  if (!wrapper || (typeof wrapper !== 'object' && typeof wrapper !== 'function')) return undefined;
  return wrapper.client?.driver ?? wrapper.connectionManager?.lib;
}

/** A driver key's patch: a knex or Sequelize instance in place of the driver stands for the driver it loaded. */
export function patchDriver(instrumentDriver: (module: unknown) => void) {
  return (module: unknown) => {
    try {
      instrumentDriver(module);
    } catch (error) {
      const inside = driverInside(module);
      if (inside === undefined || inside === module) throw error;
      instrumentDriver(inside);
    }
  };
}

