import type { Dialect } from '../../../types.js';
import { sqlClauses } from './conditions.js';
import { walk, type ReadNode } from './plan-node.js';

/** An index as the catalog describes it: its key columns in order, null for an expression. */
export interface CatalogIndex {
  name: string;
  columns: (string | null)[];
  unique: boolean;
  /** A partial index (`WHERE …`) serves only some rows: it never counts as covering. */
  partial: boolean;
  /** `btree`, `hash`, `gin`…: only a B-tree serves equality, range and order alike. */
  method: string;
}

/** What the suggestions need to know about one table, every name spelt as the catalog spells it. */
export interface TableCatalog {
  name: string;
  schema: string | null;
  columns: string[];
  indexes: CatalogIndex[];
  /** Rows, as the database's statistics count them (reltuples, TABLE_ROWS, sqlite_stat1); null when unknown. */
  rows: number | null;
  /** Size on disk in bytes, when the database tells it. */
  bytes: number | null;
  /** Distinct values per column, from the statistics the database keeps; a column absent is unknown. */
  distinct: Record<string, number>;
  /** Where `distinct` came from, named as the user would look it up: `pg_stats`, `mysql.column_stats`… */
  statsSource: string | null;
  /** PostgreSQL: when the table was last analyzed (manually or by autovacuum); null for never. */
  analyzedAt?: string | null;
  /** PostgreSQL: rows inserted, updated or deleted since that ANALYZE. */
  changedSinceAnalyze?: number | null;
  /** MariaDB: the columns with engine-independent statistics; null when `mysql.column_stats` could not be read. */
  columnStats?: string[] | null;
  /** PostgreSQL: the column sets that already have extended statistics (CREATE STATISTICS). */
  extendedStats?: string[][];
}

/** The tables a plan reads, by lower-cased name; `error` says why some or all could not be read. */
export interface Catalog {
  tables: Map<string, TableCatalog>;
  error?: string;
}

/** A table as a plan or a statement names it: `schema` only when the statement wrote one. */
export interface TableRef {
  schema: string | null;
  name: string;
}

/** At most this many tables are looked up per plan: a plan reading more is not a missing-index case. */
export const MAX_CATALOG_TABLES = 8;

/** The catalog entry for a table name as a plan or statement spells it, case-insensitively when needed. */
export function catalogTable(catalog: Catalog | undefined, name: string | null): TableCatalog | undefined {
  if (!catalog || !name) return undefined;
  return catalog.tables.get(name.toLowerCase());
}

/** The column as the catalog spells it, or null when the table has no such column. */
export function catalogColumn(table: TableCatalog, column: string, dialect: Dialect): string | null {
  if (table.columns.includes(column)) return column;
  // PostgreSQL names are exact once read (unquoted ones were folded); MySQL and SQLite compare column names without case.
  if (dialect === 'postgres') return null;
  return table.columns.find((c) => c.toLowerCase() === column.toLowerCase()) ?? null;
}

/**
 * Fills in what the catalog knows for certain where the statistics are silent: a boolean column
 * has two values, a column with a one-column unique index has as many as the table has rows.
 */
export function knownDistinct(table: TableCatalog, booleans: string[]): TableCatalog {
  for (const column of booleans) {
    if (table.distinct[column] === undefined) {
      table.distinct[column] = 2;
      table.statsSource = table.statsSource ? `${table.statsSource} (boolean columns: 2 values)` : 'the column types (boolean: 2 values)';
    }
  }
  for (const index of table.indexes) {
    const [column] = index.columns;
    if (index.unique && !index.partial && index.columns.length === 1 && column && table.rows !== null && table.distinct[column] === undefined) {
      table.distinct[column] = Math.max(1, table.rows);
      table.statsSource ??= 'unique indexes';
    }
  }
  return table;
}

/**
 * Reads each table of `refs` with a dialect's `readTable`, keyed by lower-case name; a failed read
 * leaves the tables read so far and says why in `error` (the advice then goes without them).
 *
 * @example
 * await readTables(refs, (ref) => readTable(run, ref))
 */
export async function readTables(refs: TableRef[], readTable: (ref: TableRef) => Promise<TableCatalog | null>): Promise<Catalog> {
  const catalog: Catalog = { tables: new Map() };
  try {
    for (const ref of refs) {
      const table = await readTable(ref);
      if (table) catalog.tables.set(ref.name.toLowerCase(), table);
    }
  } catch (error) {
    catalog.error = error instanceof Error ? error.message : String(error);
  }
  return catalog;
}

/**
 * The tables whose catalog the advice needs: those the plan reads (by their real names), and the
 * statement's other tables, to tell which of them a bare column belongs to.
 */
export function tablesToRead(nodes: ReadNode[], sql: string, dialect: Dialect): TableRef[] {
  const clauses = sqlClauses(sql, dialect);
  const names: string[] = [];
  for (const [node] of walk(nodes)) {
    if (!node.relation) continue;
    names.push(dialect === 'postgres' ? node.relation : clauses.tables.get(node.relation.toLowerCase()) ?? node.relation);
  }
  names.push(...clauses.tables.values());
  const unique = names.filter((name, i) => names.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === i);
  return unique.slice(0, MAX_CATALOG_TABLES).map((name) => ({ schema: clauses.schemas.get(name.toLowerCase()) ?? null, name }));
}
