import { instrumentPg } from './pg.js';
import { instrumentPglite } from './pglite.js';
import { isTemplateEngineKey, TEMPLATE_ENGINE_KEYS } from '../../templates/registry.js';
import { instrumentMysql2 } from './mysql2.js';
import { instrumentBetterSqlite3 } from './better-sqlite3.js';
import { instrumentSqlite3 } from './sqlite3.js';
import { isOrmKey, ORM_KEYS } from '../orm/index.js';
import { ORM_CALL_HOOKS } from '../orm-calls/registry.js';

/**
 * The database modules the toolbar records, one key per driver (a knex or Sequelize instance
 * stands for the driver it loaded). Adding a driver is one file in
 * this folder and one line in {@link DRIVERS}.
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
  /** A socket.io `Server`: each event it handles is recorded as a History entry of kind `socket`. */
  socketIo?: unknown;
}

const DRIVERS: Record<Exclude<keyof Instrumentable, 'socketIo'>, (module: unknown) => void> = {
  pg: instrumentPg,
  pglite: instrumentPglite,
  mysql2: instrumentMysql2,
  betterSqlite3: instrumentBetterSqlite3,
  sqlite3: instrumentSqlite3,
};

/** Throws a TypeError naming the supported drivers when `instrument` has a key we do not know. */
export function validateInstrument(instrument: object, panelKeys: readonly string[] = []): void {
  for (const key of Object.keys(instrument)) {
    // Template engines, ORM objects, socket.io and the panels' loggers and clients share the option
    // (templates/registry.ts, orm/index.ts, panels/registry.ts).
    if (!(key in DRIVERS) && !isTemplateEngineKey(key) && !isOrmKey(key) && key !== 'socketIo' && !panelKeys.includes(key)) {
      throw new TypeError(
        `express-debug-toolbar: unknown driver \`instrument.${key}\`; supported: ${[...new Set([...Object.keys(DRIVERS), ...ORM_KEYS, ...TEMPLATE_ENGINE_KEYS, 'socketIo', ...panelKeys])].join(', ')}`,
      );
    }
  }
}

/**
 * The driver module inside a query builder or ORM the app passed instead of it: knex's
 * `client.driver` and Sequelize's `connectionManager.lib` are the very copy they run queries with.
 */
function driverInside(value: unknown): unknown {
  const wrapper = value as { client?: { driver?: unknown }; connectionManager?: { lib?: unknown } } | null;
  if (!wrapper || (typeof wrapper !== 'object' && typeof wrapper !== 'function')) return undefined;
  return wrapper.client?.driver ?? wrapper.connectionManager?.lib;
}

/**
 * Patches every module named in `instrument`; each patch applies once per module copy. A knex or
 * Sequelize instance in place of the driver stands for the driver it loaded.
 */
export function instrumentDrivers(instrument: Instrumentable): void {
  for (const [key, module] of Object.entries(instrument)) {
    if (module === undefined || module === null) continue;
    // The ORM objects: their schema is read lazily (orm/index.ts); Prisma, TypeORM and drizzle also
    // get their calls wrapped here so each query keeps the ORM call that made it (orm-calls/).
    if (key in ORM_CALL_HOOKS) ORM_CALL_HOOKS[key as keyof typeof ORM_CALL_HOOKS]!(module);
    if (!(key in DRIVERS)) continue;
    const instrumentDriver = DRIVERS[key as keyof typeof DRIVERS];
    try {
      instrumentDriver(module);
    } catch (error) {
      const inside = driverInside(module);
      if (inside === undefined || inside === module) throw error;
      instrumentDriver(inside);
    }
  }
}
