import type { Dialect } from '../../../types.js';
import type { ExplainTarget, RunStatement } from './targets.js';
import { MAX_CATALOG_TABLES, type Catalog, type TableRef } from './catalog.js';
import { readPostgresCatalog } from './catalog-postgres.js';
import { readMysqlCatalog } from './catalog-mysql.js';
import { readSqliteCatalog } from './catalog-sqlite.js';

/* Reading a catalog: each dialect's reader in its own file, chosen here. */

/**
 * Reads the tables' catalog entries on a connection already open; with `inTransaction`, inside
 * the caller's (PostgreSQL: the EXPLAIN's read-only one), else in one of its own.
 */
export function readCatalogWith(run: RunStatement, dialect: Dialect, refs: TableRef[], inTransaction = false): Promise<Catalog> {
  const unique = refs.filter((ref, i) => refs.findIndex((other) => other.name.toLowerCase() === ref.name.toLowerCase()) === i)
    .slice(0, MAX_CATALOG_TABLES);
  if (unique.length === 0) return Promise.resolve({ tables: new Map() });
  if (dialect === 'postgres') return readPostgresCatalog(run, unique, inTransaction);
  if (dialect === 'mysql') return readMysqlCatalog(run, unique);
  return readSqliteCatalog(run, unique);
}

/**
 * Reads the catalog of the tables a plan reads, on a connection of the target's own (through its
 * connection limit), with statements of the toolbar's own whose only inputs are bound parameters.
 * A failure is not an error of the EXPLAIN: the catalog comes back empty with the reason.
 *
 * @example
 * const catalog = await readCatalog(target, [{ schema: null, name: 'posts' }]);
 * catalog.tables.get('posts')?.indexes // [{ name: 'posts_pkey', columns: ['id'], unique: true, … }]
 */
export async function readCatalog(target: ExplainTarget, refs: TableRef[]): Promise<Catalog> {
  if (refs.length === 0) return { tables: new Map() };
  try {
    return await target.withConnection((run) => readCatalogWith(run, target.dialect, refs));
  } catch (error) {
    return { tables: new Map(), error: error instanceof Error ? error.message : String(error) };
  }
}
