import { catalogTable, type TableCatalog } from './catalog.js';
import { resolveColumn, isMine, namesOf, tableOfNode, testsOf, type ColumnRef, type OwnerInput } from './column-owners.js';
import { sortColumns } from './conditions.js';
import { walk, type ReadNode } from './plan-node.js';

export { tableOfNode } from './column-owners.js';

/** Below this many rows a full scan is cheap, and an index would not pay for its writes. */
export const BIG_TABLE_ROWS = 2000;
/** An index read that reads at least this many rows per loop, and ten times what it keeps, filters through the wrong index. */
export const BIG_INDEX_READ_ROWS = 500;
const FILTERED_FACTOR = 10;

/** What one scan or sort of a plan asks of an index on its table, every column resolved to that table. */
export interface IndexNeed {
  /** The table as the catalog spells it (as the plan does when the catalog could not be read). */
  table: string;
  schema: string | null;
  catalog: TableCatalog | null;
  /** Columns tested for equality (with a constant, or with an outer table's column in a nested loop). */
  equal: string[];
  /** One column tested with a range (`>`, `BETWEEN`), after the equalities in an index. */
  range: string | null;
  /** ORDER BY keys a LIMIT reads the first rows of. */
  sort: { column: string; desc: boolean }[];
  /** Rows the scan reads per loop, and keeps, when known. */
  rows: number | null;
  kept: number | null;
  /** Whether `kept` is a count the database made or an informed estimate (PostgreSQL), rather than MySQL's `filtered` guess. */
  keptKnown: boolean;
  /** Columns an outer table's rows are looked up by (a nested loop's inner side): their selectivity is per lookup, not the scan's. */
  joined: string[];
  /** The node that calls for it, as the plan names it. */
  node: string;
  /** An index read that reads many rows to keep few: the index it reads them through. */
  via: string | null;
  why: 'filter' | 'sort';
}

export interface NeedsInput extends OwnerInput {
  /** Table sizes learnt outside the plan and the catalog (PostgreSQL: an EXPLAIN of the bare table). */
  tableRows?: Record<string, number>;
}

type Parents = Map<ReadNode, ReadNode | null>;

/**
 * Whether the run may have stopped reading this node before its end (under a LIMIT, the inner
 * side of a semi join or of a unique one…): what it read and kept then says when it stopped, not
 * what the scan costs, and the advice must be the one a plain EXPLAIN gives. MariaDB's JSON has no
 * Limit node: under a LIMIT, only what a sort read to the end counts.
 */
export function mayHaveStoppedEarly(node: ReadNode, input: Pick<NeedsInput, 'dialect' | 'clauses'>, parents: Parents): boolean {
  if (node.mayStopEarly) return true;
  if (input.dialect !== 'mysql' || !input.clauses.limit || node.actualRows === null) return false;
  for (let parent = parents.get(node); parent; parent = parents.get(parent)) if (parent.sorts) return false;
  return true;
}

function rowsOf(node: ReadNode, table: string, entry: TableCatalog | undefined, input: NeedsInput, parents: Parents): number | null {
  const size = node.plannedScannedRows ?? input.tableRows?.[table] ?? input.tableRows?.[node.relation ?? ''] ?? entry?.rows ?? null;
  if (mayHaveStoppedEarly(node, input, parents) && node.actualRows !== null) return size ?? node.scannedRows;
  return node.scannedRows ?? size;
}

/** The equality and range columns of a node's tests on its table, spelt as the catalog spells them. */
function columnsOf(node: ReadNode, table: string, entry: TableCatalog | undefined, input: NeedsInput, parents: Parents) {
  const { tests, joined: joinedRefs } = testsOf(node, table, input, parents);
  const resolve = (column: string) => resolveColumn(column, entry, input.dialect);
  const joined = [...new Set(joinedRefs.map((t) => resolve(t.column)).filter((c): c is string => c !== null))];
  const equal = [...new Set([...tests.filter((t) => t.kind === 'eq').map((t) => resolve(t.column)), ...joined].filter((c): c is string => c !== null))];
  const range = tests.filter((t) => t.kind === 'range').map((t) => resolve(t.column)).find((c): c is string => c !== null && !equal.includes(c)) ?? null;
  return { equal, range, joined };
}

/** What a node keeps per loop, and whether that is a count or an informed estimate. */
function keptOf(node: ReadNode, input: NeedsInput, parents: Parents): { kept: number | null; keptKnown: boolean } {
  if (node.actualRows !== null && !node.neverExecuted && !mayHaveStoppedEarly(node, input, parents)) return { kept: node.actualRows, keptKnown: true };
  if (input.dialect === 'postgres') return { kept: node.estimatedRows, keptKnown: node.estimatedRows !== null };
  return { kept: node.estimatedRows, keptKnown: false };
}

function fullScanNeed(node: ReadNode, input: NeedsInput, parents: Parents): IndexNeed | null {
  const table = tableOfNode(node, input);
  if (!table) return null;
  const entry = catalogTable(input.catalog, table);
  const rows = rowsOf(node, table, entry, input, parents);
  if (rows !== null && rows < BIG_TABLE_ROWS) return null;
  const { equal, range, joined } = columnsOf(node, table, entry, input, parents);
  if (equal.length === 0 && range === null) return null;
  return {
    table: entry?.name ?? table, schema: entry?.schema ?? input.clauses.schemas.get(table.toLowerCase()) ?? null, catalog: entry ?? null,
    equal, range, sort: [], rows, ...keptOf(node, input, parents), joined, node: node.label, via: null, why: 'filter',
  };
}

/** Rows an index read reads through its index per loop, before its filter: counted when analyzed, else estimated. */
function rowsReadByIndex(node: ReadNode, entry: TableCatalog | undefined, indexColumns: string[], input: NeedsInput, early: boolean): number | null {
  if (input.dialect === 'postgres') {
    const removed = node.counters.filter((c) => c.name === 'Rows Removed by Filter' || c.name === 'Rows Removed by Index Recheck')
      .reduce((sum, c) => sum + c.value, 0);
    // A read that stopped early counted only the rows before it stopped: the statistics tell what the index finds.
    if (node.actualRows !== null && !early) return node.actualRows + removed;
    if (node.operation === 'Bitmap Heap Scan') return node.children[0]?.estimatedRows ?? null;
  }
  if (input.dialect === 'mysql') return early ? node.plannedScannedRows ?? node.scannedRows : node.scannedRows;
  // An Index Scan (SQLite's SEARCH) prints what it keeps, or nothing: what its index finds comes from the statistics.
  if (!entry || entry.rows === null || indexColumns.length === 0) return null;
  const distinct = entry.distinct[indexColumns[0]];
  return distinct ? entry.rows / distinct : null;
}

/**
 * An index read that reads many rows through an index and throws most of them away: the index
 * it has is the wrong one (user_id finds a quarter of the table, the uuid it then filters on
 * finds one row). The need is every column it tests.
 */
function indexReadNeed(node: ReadNode, input: NeedsInput, parents: Parents): IndexNeed | null {
  const via = node.index ?? node.children.map((child) => child.index).find((index) => index !== null) ?? null;
  if (node.fullScan || !via || via === 'primary key' || via === 'automatic index') return null;
  if (input.dialect === 'postgres' && !['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'].includes(node.operation)) return null;
  const table = tableOfNode(node, input);
  if (!table) return null;
  const entry = catalogTable(input.catalog, table);
  const { equal, range, joined } = columnsOf(node, table, entry, input, parents);
  const indexColumns = (entry?.indexes.find((index) => index.name === via)?.columns ?? []).filter((c): c is string => c !== null);
  const read = rowsReadByIndex(node, entry, indexColumns, input, mayHaveStoppedEarly(node, input, parents));
  const { kept, keptKnown } = keptOf(node, input, parents);
  const beyondIndex = [...equal, ...(range ? [range] : [])].filter((c) => !indexColumns.includes(c));
  if (read === null || read < BIG_INDEX_READ_ROWS || beyondIndex.length === 0) return null;
  if (keptKnown && kept !== null && read < FILTERED_FACTOR * Math.max(kept, 1)) return null;
  return {
    table: entry?.name ?? table, schema: entry?.schema ?? input.clauses.schemas.get(table.toLowerCase()) ?? null, catalog: entry ?? null,
    equal, range, sort: [], rows: read, kept, keptKnown, joined, node: node.label, via, why: 'filter',
  };
}

/**
 * Whether rows read in `reader`'s order can come out of every join between it and the sort in
 * that order: it must be a side the join keeps each row of and can drive (an inner join's either
 * side, a left or semi/anti join's outer side, a right join's inner side), never a full join's.
 */
function drivesJoins(reader: ReadNode, sort: ReadNode, parents: Parents): boolean {
  let child = reader;
  for (let parent = parents.get(reader) ?? null; parent && child !== sort; child = parent, parent = parents.get(parent) ?? null) {
    if (parent === sort) break;
    const side = parent.children.indexOf(child);
    const kind = parent.joinType ?? 'Inner';
    if (/Full/.test(kind)) return false;
    if (/Left|Semi|Anti/.test(kind) && side !== 0) return false;
    if (/Right/.test(kind) && side !== 1) return false;
  }
  return true;
}

/**
 * The scan whose table holds every sort key: the only reader under the sort, or, when the sort is
 * over a join (an ORM's `include` with `ORDER BY "Article"."createdAt" LIMIT 10`), the only reader
 * of the table the keys name, if the joins let it drive (PostgreSQL, {@link drivesJoins}) or it is
 * SQLite's outer loop (its first scan).
 */
function sortedReader(sort: ReadNode, keys: ColumnRef[], input: NeedsInput, parents: Parents): { reader: ReadNode; table: string } | null {
  // SQLite's temp B-tree sits beside the scan it sorts, not above it.
  const within = [...walk(sort.children)].map(([n]) => n).filter((n) => n.relation);
  const readers = within.length > 0 ? within : [...walk(input.nodes)].map(([n]) => n).filter((n) => n.relation);
  const owners = readers.filter((reader) => {
    const table = tableOfNode(reader, input);
    return table !== null && keys.every((key) => isMine(key, table, namesOf(table, reader, input), input, readers.length === 1));
  });
  if (owners.length !== 1) return null;
  const [reader] = owners;
  if (readers.length > 1) {
    if (input.dialect === 'postgres' && !drivesJoins(reader, sort, parents)) return null;
    if (input.dialect === 'sqlite' && readers[0] !== reader) return null;
  }
  return { reader, table: tableOfNode(reader, input) as string };
}

function sortNeed(sort: ReadNode, input: NeedsInput, parents: Parents): IndexNeed | null {
  const keys = (sort.sortKey.length > 0 ? sortColumns(sort.sortKey, input.dialect) : null) ?? input.clauses.orderBy;
  if (!keys) return null;
  const found = sortedReader(sort, keys, input, parents);
  if (!found) return null;
  const { reader, table } = found;
  const entry = catalogTable(input.catalog, table);
  const rows = rowsOf(reader, table, entry, input, parents);
  if (rows !== null && rows < BIG_TABLE_ROWS) return null;
  const sortKeys = keys.map((key) => ({ column: resolveColumn(key.column, entry, input.dialect), desc: key.desc }));
  if (sortKeys.some((key) => key.column === null)) return null;
  // Only the tests against constants: a join column looked up per outer row says nothing of the order.
  const tested = reader.fullScan ? columnsOf(reader, table, entry, input, parents) : null;
  const equal = tested ? tested.equal.filter((c) => !tested.joined.includes(c) && !sortKeys.some((k) => k.column === c)) : [];
  return {
    table: entry?.name ?? table, schema: entry?.schema ?? input.clauses.schemas.get(table.toLowerCase()) ?? null, catalog: entry ?? null,
    equal, range: null, sort: sortKeys as { column: string; desc: boolean }[], rows, kept: null, keptKnown: false, joined: [],
    node: sort.label, via: null, why: 'sort',
  };
}

/**
 * What the plan asks of indexes: for each full scan of a big table, the columns its conditions
 * test (equalities, the join columns of a nested loop's inner side, one range); for an index read
 * that reads many rows to keep few, every column it tests; for a sort under LIMIT, its keys after
 * the scan's equalities. Every column is resolved to its table (aliases, bare columns against the
 * catalog) and spelt as the catalog spells it. Pure.
 *
 * @example
 * indexNeeds({ dialect: 'postgres', nodes: readPostgresPlan(plan), clauses: sqlClauses(sql, 'postgres'), catalog })
 * // [{ table: 'posts', equal: ['author_id'], range: null, sort: [], rows: 12000, … }]
 */
export function indexNeeds(input: NeedsInput): IndexNeed[] {
  const parents: Parents = new Map([...walk(input.nodes)]);
  const needs: IndexNeed[] = [];
  for (const [node] of walk(input.nodes)) {
    const need = node.fullScan ? fullScanNeed(node, input, parents) : indexReadNeed(node, input, parents);
    if (need) needs.push(need);
    // A LIMIT of the statement, or of a subquery (an ORM's paginated `include`): the plan's Limit right above the sort.
    if (node.sorts && (input.clauses.limit || parents.get(node)?.operation === 'Limit')) {
      const sorted = sortNeed(node, input, parents);
      if (sorted) needs.push(sorted);
    }
  }
  return needs;
}
