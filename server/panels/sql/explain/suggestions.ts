import type { Dialect, PlanSuggestion } from '../../../types.js';
import { columnConditions, sortColumns, sqlClauses, type ColumnCondition, type SqlClauses } from './conditions.js';
import { indexName, quoteIdent } from './identifiers.js';
import { walk, type ReadNode } from './plan-node.js';

/** Below this many rows a full scan is cheap, and an index would not pay for its writes. */
export const BIG_TABLE_ROWS = 2000;
/** Estimated and actual rows this many times apart mean stale or missing statistics. */
export const MISESTIMATE_FACTOR = 10;

export interface SuggestionInput {
  dialect: Dialect;
  /** MySQL and MariaDB share the dialect but not the statistics statement. */
  flavor?: 'mysql' | 'mariadb';
  nodes: ReadNode[];
  /** The statement explained: SQLite prints no scan conditions, and MySQL prints aliases. */
  sql: string;
  /** Table sizes learnt outside the plan (PostgreSQL: an EXPLAIN of the bare table; SQLite: sqlite_stat1). */
  tableRows?: Record<string, number>;
}

interface Context extends SuggestionInput {
  clauses: SqlClauses;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The real table a node reads (plans of MySQL and SQLite name the alias). */
function tableOf(node: ReadNode, context: Context): string | null {
  if (!node.relation) return null;
  if (context.dialect === 'postgres') return node.relation;
  return context.clauses.tables.get(node.relation.toLowerCase()) ?? node.relation;
}

/** Lower-cased names that refer to `table` in the statement: itself and its aliases. */
function namesOf(table: string, node: ReadNode, context: Context): Set<string> {
  const names = new Set([table.toLowerCase()]);
  if (node.relation) names.add(node.relation.toLowerCase());
  if (node.alias) names.add(node.alias.toLowerCase());
  for (const [alias, name] of context.clauses.tables) if (name === table) names.add(alias);
  return names;
}

/** Whether a column reference belongs to the table: qualified by one of its names, or unqualified where that is unambiguous. */
function belongs(qualifier: string | null, names: Set<string>, unqualifiedOk: boolean): boolean {
  return qualifier === null ? unqualifiedOk : names.has(qualifier.toLowerCase());
}

/** Equality columns first (any order serves them), then one range column: the order a B-tree can use. */
function indexColumns(node: ReadNode, table: string, context: Context): string[] {
  const names = namesOf(table, node, context);
  // The node's own condition is about its table; the statement's WHERE (SQLite) only when one table is read.
  const fromSql = !node.filter && context.dialect === 'sqlite';
  const conditions: ColumnCondition[] = fromSql ? context.clauses.where : columnConditions(node.filter ?? '', context.dialect);
  const single = new Set(context.clauses.tables.values()).size <= 1;
  const mine = conditions.filter((c) => belongs(c.qualifier, names, !fromSql || single));
  const equal = [...new Set(mine.filter((c) => c.kind === 'eq').map((c) => c.column))];
  const range = mine.find((c) => c.kind === 'range' && !equal.includes(c.column));
  return range ? [...equal, range.column] : equal;
}

function rowsOf(node: ReadNode, table: string, context: Context): number | null {
  return node.scannedRows ?? context.tableRows?.[table] ?? null;
}

function createIndex(table: string, columns: string[], context: Context, desc: boolean[] = []): string {
  const list = columns.map((column, i) => quoteIdent(column, context.dialect) + (desc[i] ? ' DESC' : '')).join(', ');
  return `CREATE INDEX ${quoteIdent(indexName(table, columns), context.dialect)} ON ${quoteIdent(table, context.dialect)} (${list});`;
}

function sizeNote(rows: number | null, context: Context): string {
  if (rows !== null) return `reads ~${count(rows)} rows`;
  return context.dialect === 'sqlite'
    ? 'reads the whole table (its size is unknown: there is no sqlite_stat1, run ANALYZE to let the toolbar check)'
    : 'reads the whole table';
}

function fullScanSuggestions(context: Context): PlanSuggestion[] {
  const out: PlanSuggestion[] = [];
  for (const [node] of walk(context.nodes)) {
    if (!node.fullScan) continue;
    const table = tableOf(node, context);
    if (!table) continue;
    const rows = rowsOf(node, table, context);
    if (rows !== null && rows < BIG_TABLE_ROWS) continue;
    const columns = indexColumns(node, table, context);
    if (columns.length === 0) continue;
    const kept = node.actualRows ?? node.estimatedRows;
    out.push({
      title: `Index ${table} on ${columns.join(', ')}`,
      code: createIndex(table, columns, context),
      reason: `${node.operation} on ${table} ${sizeNote(rows, context)}${kept !== null && rows !== null ? ` to keep ~${count(kept)}` : ''}`
        + ` filtering on ${columns.join(', ')}; an index lets the database go straight to the matching rows.`,
    });
  }
  return out;
}

function sortSuggestions(context: Context): PlanSuggestion[] {
  if (!context.clauses.limit) return [];
  const out: PlanSuggestion[] = [];
  for (const [sort] of walk(context.nodes)) {
    if (!sort.sorts) continue;
    // SQLite's temp B-tree sits beside the scan it sorts, not above it.
    const within = [...walk(sort.children)].map(([n]) => n).filter((n) => n.relation);
    const readers = within.length > 0 ? within : [...walk(context.nodes)].map(([n]) => n).filter((n) => n.relation);
    if (readers.length !== 1) continue;
    const [reader] = readers;
    const table = tableOf(reader, context);
    const keys = (sort.sortKey.length > 0 ? sortColumns(sort.sortKey, context.dialect) : null) ?? context.clauses.orderBy;
    if (!table || !keys) continue;
    const names = namesOf(table, reader, context);
    if (!keys.every((key) => belongs(key.qualifier, names, true))) continue;
    const rows = rowsOf(reader, table, context);
    if (rows !== null && rows < BIG_TABLE_ROWS) continue;
    const equal = reader.fullScan ? indexColumns(reader, table, context).filter((c) => !keys.some((k) => k.column === c)) : [];
    // One direction for all keys: a B-tree is read backwards just as well.
    const mixed = new Set(keys.map((key) => key.desc)).size > 1;
    const columns = [...equal.slice(0, equal.length), ...keys.map((key) => key.column)];
    const desc = [...equal.map(() => false), ...keys.map((key) => mixed && key.desc)];
    out.push({
      title: `Index ${table} on the sort key ${keys.map((key) => key.column).join(', ')}`,
      code: createIndex(table, columns, context, desc),
      reason: `The query sorts ${rows !== null ? `~${count(rows)}` : 'all the'} rows of ${table} to return the first few (LIMIT);`
        + ' an index in that order lets it read just those rows.',
    });
  }
  return out;
}

function statisticsSuggestions(context: Context): PlanSuggestion[] {
  const out: PlanSuggestion[] = [];
  const seen = new Set<string>();
  for (const [node] of walk(context.nodes)) {
    // MySQL's tree puts the estimate of a filtered scan on the Filter line above the table.
    const filtered = node.operation === 'Filter' && node.children.length === 1 ? node.children[0] : null;
    const table = tableOf(filtered ?? node, context);
    if (!table || seen.has(table) || node.estimatedRows === null || node.actualRows === null) continue;
    const estimated = Math.max(node.estimatedRows, 1);
    const actual = Math.max(node.actualRows, 1);
    if (Math.max(estimated, actual) / Math.min(estimated, actual) < MISESTIMATE_FACTOR) continue;
    seen.add(table);
    const name = quoteIdent(table, context.dialect);
    const code = context.dialect === 'postgres' ? `ANALYZE ${name};`
      : context.flavor === 'mariadb' ? `ANALYZE TABLE ${name} PERSISTENT FOR ALL;` : `ANALYZE TABLE ${name};`;
    out.push({
      title: `Refresh the statistics of ${table}`,
      code,
      reason: `The planner expected ~${count(node.estimatedRows)} rows from ${node.operation} on ${table} and got`
        + ` ${count(node.actualRows)}: with statistics that far off it picks plans for the wrong sizes.`
        + (context.dialect === 'postgres' ? ' If it stays off after ANALYZE, the filtered columns may be correlated (CREATE STATISTICS).' : ''),
    });
  }
  return out;
}

/** An index whose columns start another suggested index on the same table is redundant. */
function withoutPrefixes(suggestions: PlanSuggestion[]): PlanSuggestion[] {
  const columnsOf = (code: string) => /ON (.+?) \((.*)\);$/.exec(code);
  const unique = suggestions.filter((s, i) => suggestions.findIndex((other) => other.code === s.code) === i);
  return unique.filter((s) => {
    const mine = columnsOf(s.code);
    if (!mine || !s.code.startsWith('CREATE INDEX')) return true;
    return !unique.some((other) => {
      const theirs = columnsOf(other.code);
      return other !== s && theirs !== null && theirs[1] === mine[1] && theirs[2] !== mine[2]
        && theirs[2].replace(/ DESC/g, '').startsWith(`${mine[2]}, `);
    });
  });
}

/**
 * What the plan calls for: an index for a filtered full scan of a big table (equality columns
 * first), an index on the sort key of a sort under LIMIT, and fresh statistics where estimated and
 * actual rows are ten times apart. Pure: reads the plan, the statement and known table sizes.
 *
 * @example
 * suggestFromPlan({ dialect: 'postgres', sql, nodes: readPostgresPlan(plan) })
 * // [{ title: 'Index posts on author_id', code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);', reason: '…' }]
 */
export function suggestFromPlan(input: SuggestionInput): PlanSuggestion[] {
  const context: Context = { ...input, clauses: sqlClauses(input.sql, input.dialect) };
  return withoutPrefixes([...fullScanSuggestions(context), ...sortSuggestions(context), ...statisticsSuggestions(context)]);
}
