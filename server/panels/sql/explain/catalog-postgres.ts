import { knownDistinct, readTables, type Catalog, type TableCatalog, type TableRef } from './catalog.js';
import type { RunStatement } from './targets.js';

/*
 * PostgreSQL's catalog, read inside a read-only transaction that is rolled back. Every input is a
 * bound parameter; the table is resolved with to_regclass(), as the query itself resolved it
 * (same search_path: the explain connection has the app's settings).
 */

const TABLE = `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name,
    CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS rows, pg_relation_size(c.oid)::float8 AS bytes,
    GREATEST(s.last_analyze, s.last_autoanalyze)::text AS analyzed, s.n_mod_since_analyze::float8 AS changed
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.oid = to_regclass(CASE WHEN $1::text IS NULL THEN quote_ident($2::text)
    ELSE quote_ident($1::text) || '.' || quote_ident($2::text) END) AND c.relkind IN ('r', 'p', 'm')`;
const COLUMNS = `SELECT attnum::int AS num, attname AS name, atttypid = 'boolean'::regtype AS is_boolean FROM pg_attribute
  WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum`;
const INDEXES = `SELECT ic.relname AS name, i.indisunique AS "unique", i.indpred IS NOT NULL AS partial, am.amname AS method,
    i.indnkeyatts::int AS nkeys, array_to_string(i.indkey::int2[], ',') AS keys
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  WHERE i.indrelid = $1::oid AND i.indisvalid ORDER BY ic.relname`;
const STATS = `SELECT attname AS name, n_distinct::float8 AS n_distinct FROM pg_stats
  WHERE schemaname = $1 AND tablename = $2 AND NOT inherited`;
const EXTENDED = "SELECT array_to_string(stxkeys::int2[], ',') AS keys FROM pg_statistic_ext WHERE stxrelid = $1::oid";

const numbers = (list: unknown): number[] => String(list ?? '').split(',').filter(Boolean).map(Number);
const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

async function readTable(run: RunStatement, ref: TableRef): Promise<TableCatalog | null> {
  const [table] = await run(TABLE, [ref.schema, ref.name]);
  if (!table) return null;
  const oid = String(table.oid);
  const rows = numberOrNull(table.rows);
  const columns = await run(COLUMNS, [oid]);
  const byNumber = new Map(columns.map((column) => [Number(column.num), String(column.name)]));
  const indexes = (await run(INDEXES, [oid])).map((index) => ({
    name: String(index.name),
    // Key columns only (INCLUDE columns cannot be searched); 0 is an expression.
    columns: numbers(index.keys).slice(0, Number(index.nkeys)).map((n) => byNumber.get(n) ?? null),
    unique: index.unique === true,
    partial: index.partial === true,
    method: String(index.method),
  }));
  const distinct: Record<string, number> = {};
  for (const stat of await run(STATS, [table.schema, table.name])) {
    const n = Number(stat.n_distinct);
    // Negative: a fraction of the rows (the column grows with the table); zero: unknown.
    if (n > 0) distinct[String(stat.name)] = n;
    else if (n < 0 && rows !== null) distinct[String(stat.name)] = Math.max(1, -n * rows);
  }
  const extendedStats = (await run(EXTENDED, [oid])).map((row) => numbers(row.keys).map((n) => byNumber.get(n) ?? String(n)));
  const booleans = columns.filter((column) => column.is_boolean === true).map((column) => String(column.name));
  return knownDistinct({
    name: String(table.name), schema: String(table.schema), columns: [...byNumber.values()], indexes, rows,
    bytes: numberOrNull(table.bytes), distinct, statsSource: Object.keys(distinct).length > 0 ? 'pg_stats' : null,
    analyzedAt: table.analyzed === null || table.analyzed === undefined ? null : String(table.analyzed),
    changedSinceAnalyze: numberOrNull(table.changed), extendedStats,
  }, booleans);
}

/**
 * The catalog entries of `refs` on PostgreSQL (and PGlite): columns, valid indexes with their key
 * columns, reltuples, size, pg_stats' n_distinct, last ANALYZE and rows changed since, extended
 * statistics. In a read-only transaction of its own, or `inTransaction`, in the caller's.
 *
 * @example
 * await readPostgresCatalog(run, [{ schema: null, name: 'Users' }]) // { tables: Map { 'users' => { name: 'Users', … } } }
 */
export async function readPostgresCatalog(run: RunStatement, refs: TableRef[], inTransaction = false): Promise<Catalog> {
  // Inside the caller's read-only transaction (the EXPLAIN's), which the caller rolls back.
  if (!inTransaction) await run('BEGIN READ ONLY');
  try {
    return await readTables(refs, (ref) => readTable(run, ref));
  } finally {
    if (!inTransaction) await run('ROLLBACK').catch(() => undefined);
  }
}
