import { knownDistinct, readTables, type Catalog, type CatalogIndex, type TableCatalog, type TableRef } from './catalog.js';
import type { RunStatement } from './targets.js';

/*
 * MySQL's and MariaDB's catalog: information_schema for tables, columns and indexes (whose
 * CARDINALITY counts the distinct values of each index prefix), and MariaDB's engine-independent
 * statistics (mysql.column_stats), which an app's user may not be allowed to read.
 */

const TABLE = `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS name, TABLE_ROWS AS table_rows, DATA_LENGTH AS bytes
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?`;
const COLUMNS = `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;
const INDEXES = `SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq, COLUMN_NAME AS column_name,
    CARDINALITY AS cardinality, INDEX_TYPE AS method
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`;
const COLUMN_STATS = `SELECT column_name AS name, avg_frequency AS frequency FROM mysql.column_stats
  WHERE db_name = ? AND table_name = ?`;

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined || value === '' ? null : Number(value));

async function readTable(run: RunStatement, ref: TableRef): Promise<TableCatalog | null> {
  const [table] = await run(TABLE, [ref.schema, ref.name]);
  if (!table) return null;
  const schema = String(table.schema_name);
  const name = String(table.name);
  const rows = numberOrNull(table.table_rows);
  const columnRows = await run(COLUMNS, [schema, name]);
  const columns = columnRows.map((column) => String(column.name));
  // BOOLEAN is tinyint(1) to MySQL and MariaDB.
  const booleans = columnRows.filter((column) => /^tinyint\(1\)/i.test(String(column.column_type))).map((column) => String(column.name));
  const indexes = new Map<string, CatalogIndex>();
  const distinct: Record<string, number> = {};
  let source: string | null = null;
  for (const row of await run(INDEXES, [schema, name])) {
    const indexName = String(row.name);
    let index = indexes.get(indexName);
    if (!index) {
      index = { name: indexName, columns: [], unique: Number(row.non_unique) === 0, partial: false, method: String(row.method).toLowerCase() };
      indexes.set(indexName, index);
    }
    const column = row.column_name === null ? null : String(row.column_name);
    index.columns.push(column);
    // The cardinality of a one-column prefix is that column's distinct count.
    const cardinality = numberOrNull(row.cardinality);
    if (Number(row.seq) === 1 && column !== null && cardinality !== null && cardinality > 0) {
      distinct[column] = Math.max(distinct[column] ?? 0, cardinality);
      source = 'information_schema.STATISTICS';
    }
  }
  let columnStats: string[] | null = null;
  try {
    const stats = await run(COLUMN_STATS, [schema, name]);
    columnStats = stats.map((stat) => String(stat.name));
    for (const stat of stats) {
      const frequency = numberOrNull(stat.frequency);
      // avg_frequency is rows per distinct value.
      if (frequency !== null && frequency > 0 && rows !== null && distinct[String(stat.name)] === undefined) {
        distinct[String(stat.name)] = Math.max(1, rows / frequency);
        source = source ? `${source} and mysql.column_stats` : 'mysql.column_stats';
      }
    }
  } catch {
    columnStats = null; // MySQL has no such table; MariaDB may not let the app's user read it
  }
  return knownDistinct({
    name, schema, columns, indexes: [...indexes.values()],
    rows, bytes: numberOrNull(table.bytes), distinct, statsSource: source, columnStats,
  }, booleans);
}

/**
 * The catalog entries of `refs` on MySQL or MariaDB, in the connection's current database unless
 * the statement named one.
 *
 * @example
 * await readMysqlCatalog(run, [{ schema: null, name: 'posts' }])
 */
export async function readMysqlCatalog(run: RunStatement, refs: TableRef[]): Promise<Catalog> {
  return readTables(refs, (ref) => readTable(run, ref));
}
