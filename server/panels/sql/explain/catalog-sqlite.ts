import { knownDistinct, readTables, type Catalog, type CatalogIndex, type TableCatalog, type TableRef } from './catalog.js';
import type { RunStatement } from './targets.js';

/*
 * SQLite's catalog through its table-valued pragma functions, on the read-only explain
 * connection. sqlite_stat1 exists only once ANALYZE has run; its `stat` is "rows a b …", where
 * each number after the first is the average number of rows per distinct prefix of the index.
 */

const TABLE = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE";
const COLUMNS = 'SELECT name, type FROM pragma_table_info(?) ORDER BY cid';
const INDEXES = 'SELECT name, "unique" AS is_unique, partial FROM pragma_index_list(?)';
const INDEX_COLUMNS = 'SELECT name FROM pragma_index_info(?) ORDER BY seqno';
const STAT1 = 'SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?';

async function readTable(run: RunStatement, ref: TableRef): Promise<TableCatalog | null> {
  const [table] = await run(TABLE, [ref.name]);
  if (!table) return null;
  const name = String(table.name);
  const columnRows = await run(COLUMNS, [name]);
  const columns = columnRows.map((column) => String(column.name));
  // SQLite stores a BOOLEAN column's values as 0 and 1: its declared type says what the column holds.
  const booleans = columnRows.filter((column) => /^bool/i.test(String(column.type))).map((column) => String(column.name));
  const indexes: CatalogIndex[] = [];
  for (const index of await run(INDEXES, [name])) {
    const indexColumns = (await run(INDEX_COLUMNS, [String(index.name)])).map((column) => (column.name === null ? null : String(column.name)));
    indexes.push({ name: String(index.name), columns: indexColumns, unique: Number(index.is_unique) === 1, partial: Number(index.partial) === 1, method: 'btree' });
  }
  // An INTEGER PRIMARY KEY is the rowid: a B-tree of its own that pragma_index_list does not list.
  const rowid = (await run('SELECT name FROM pragma_table_info(?) WHERE pk = 1 AND upper(type) = \'INTEGER\' AND (SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0) = 1', [name, name]))[0];
  if (rowid) indexes.push({ name: 'rowid', columns: [String(rowid.name)], unique: true, partial: false, method: 'btree' });
  let rows: number | null = null;
  const distinct: Record<string, number> = {};
  try {
    for (const stat of await run(STAT1, [name])) {
      const [total, first] = String(stat.stat ?? '').split(' ').map(Number);
      if (Number.isFinite(total)) rows = total;
      const index = indexes.find((candidate) => candidate.name === stat.idx);
      const column = index?.columns[0];
      if (column && Number.isFinite(first) && first > 0 && Number.isFinite(total)) distinct[column] = Math.max(1, total / first);
    }
  } catch {
    // no sqlite_stat1: ANALYZE never ran
  }
  return knownDistinct({
    name, schema: null, columns, indexes, rows, bytes: null, distinct,
    statsSource: Object.keys(distinct).length > 0 ? 'sqlite_stat1' : null,
  }, booleans);
}

/**
 * The catalog entries of `refs` on SQLite: columns, indexes (and the rowid), and the sizes and
 * distinct counts sqlite_stat1 holds once ANALYZE has run.
 *
 * @example
 * await readSqliteCatalog(run, [{ schema: null, name: 'posts' }])
 */
export async function readSqliteCatalog(run: RunStatement, refs: TableRef[]): Promise<Catalog> {
  return readTables(refs, (ref) => readTable(run, ref));
}
