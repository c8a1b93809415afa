import type { Dialect, PlanSuggestion } from '../../../types.js';
import { catalogColumn, catalogTable, type Catalog, type TableCatalog } from './catalog.js';
import { columnConditions, type SqlClauses } from './conditions.js';
import { quoteIdent } from './identifiers.js';
import { tableOfNode } from './index-needs.js';
import { detail, walk, type ReadNode } from './plan-node.js';

/** Estimated and actual rows (per loop) this many times apart are worth explaining… */
export const MISESTIMATE_FACTOR = 10;
/** …when one of them is at least this many rows: 1 against 12 is noise. */
export const MISESTIMATE_MIN_ROWS = 100;
/** PostgreSQL's autovacuum re-analyzes a table after 50 + 10 % of its rows changed: fewer changes leave its statistics fresh. */
const STALE_BASE = 50;
const STALE_FRACTION = 0.1;

export interface StatisticsInput {
  dialect: Dialect;
  flavor?: 'mysql' | 'mariadb';
  nodes: ReadNode[];
  clauses: SqlClauses;
  catalog?: Catalog;
}

export interface StatisticsAdvice {
  suggestions: PlanSuggestion[];
  notes: string[];
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Whether a node's actual rows can be held against its estimate: it ran, and ran to the end. */
function ranToCompletion(node: ReadNode, ancestors: ReadNode[], input: StatisticsInput): boolean {
  if (node.neverExecuted || node.mayStopEarly || node.actualRows === null || node.estimatedRows === null) return false;
  // MariaDB's JSON has no Limit node: under a LIMIT, only what a sort read to the end counts.
  if (input.dialect === 'mysql' && input.flavor !== 'mysql' && input.clauses.limit) return ancestors.some((a) => a.sorts);
  return true;
}

/** The columns of `table` the node's condition tests, as the catalog spells them. */
function testedColumns(node: ReadNode, table: TableCatalog | undefined, dialect: Dialect): string[] {
  const text = [node.filter, detail(node, 'Index Cond', 'Recheck Cond', 'attached_condition')].filter(Boolean).join(' AND ');
  const columns = columnConditions(text, dialect).map((c) => (table ? catalogColumn(table, c.column, dialect) : c.column));
  return [...new Set(columns.filter((c): c is string => c !== null))];
}

function postgresCause(node: ReadNode, table: string, entry: TableCatalog | undefined, found: string, catalog?: Catalog): StatisticsAdvice {
  const name = quoteIdent(entry?.name ?? table, 'postgres');
  if (!entry) {
    return { suggestions: [], notes: [`${found} The toolbar could not read when ${table} was last analyzed${catalog?.error ? ` (${catalog.error})` : ''}, so it cannot tell whether its statistics are the cause.`] };
  }
  const changed = entry.changedSinceAnalyze ?? 0;
  const threshold = STALE_BASE + STALE_FRACTION * (entry.rows ?? 0);
  if (entry.analyzedAt === null || entry.analyzedAt === undefined) {
    return { suggestions: [{ kind: 'statistics', title: `Collect the statistics of ${entry.name}`, code: `ANALYZE ${name};`,
      reason: `${found} ${entry.name} has never been analyzed, so the planner guesses its sizes and value frequencies.` }], notes: [] };
  }
  if (changed > threshold) {
    return { suggestions: [{ kind: 'statistics', title: `Refresh the statistics of ${entry.name}`, code: `ANALYZE ${name};`,
      reason: `${found} ${count(changed)} rows of ${entry.name} changed since its last ANALYZE (${entry.analyzedAt}), more than the ${count(threshold)} after which autovacuum would analyze it again.` }], notes: [] };
  }
  const columns = testedColumns(node, entry, 'postgres');
  const covered = (entry.extendedStats ?? []).some((set) => columns.every((c) => set.includes(c)));
  const fresh = `${entry.name} was analyzed at ${entry.analyzedAt} and ${count(changed)} rows changed since, so its statistics are fresh.`;
  if (columns.length >= 2 && !covered) {
    const statsName = quoteIdent(`${entry.name}_${columns.join('_')}_stats`.replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase().slice(0, 63), 'postgres');
    return { suggestions: [{ kind: 'statistics', title: `Tell the planner that ${columns.join(' and ')} are related`,
      code: `CREATE STATISTICS ${statsName} (dependencies, ndistinct, mcv) ON ${columns.map((c) => quoteIdent(c, 'postgres')).join(', ')} FROM ${name};\nANALYZE ${name};`,
      reason: `${found} ${fresh} The planner multiplies the selectivities of ${columns.join(' and ')} as if they were independent; if their values go together, extended statistics let it see that.` }], notes: [] };
  }
  return { suggestions: [], notes: [`${found} ${fresh} Statistics are not the cause here (an expression, a value the statistics do not describe, or a correlation across tables).`] };
}

function mysqlCause(node: ReadNode, table: string, entry: TableCatalog | undefined, found: string, input: StatisticsInput): StatisticsAdvice {
  const name = quoteIdent(entry?.name ?? table, 'mysql');
  const columns = testedColumns(node, entry, 'mysql');
  const indexed = new Set((entry?.indexes ?? []).map((index) => index.columns[0]).filter(Boolean));
  const list = (cs: string[]) => cs.map((c) => quoteIdent(c, 'mysql')).join(', ');
  if (input.flavor === 'mysql') {
    const missing = columns.filter((c) => !indexed.has(c));
    if (missing.length === 0) return { suggestions: [], notes: [`${found} Its tested columns lead indexes, whose statistics InnoDB keeps up to date.`] };
    return { suggestions: [{ kind: 'statistics', title: `Build histograms on ${missing.join(', ')}`, code: `ANALYZE TABLE ${name} UPDATE HISTOGRAM ON ${list(missing)};`,
      reason: `${found} MySQL keeps no statistics on columns that lead no index unless a histogram is built, so it guessed how many rows ${missing.join(', ')} keep.` }], notes: [] };
  }
  if (!entry || entry.columnStats === null || entry.columnStats === undefined) {
    return { suggestions: [], notes: [`${found} The toolbar could not read mysql.column_stats${input.catalog?.error ? ` (${input.catalog.error})` : ''}, so it cannot tell whether MariaDB has statistics on the tested columns.`] };
  }
  const missing = columns.filter((c) => !entry.columnStats?.includes(c) && !indexed.has(c));
  if (missing.length > 0) {
    return { suggestions: [{ kind: 'statistics', title: `Collect statistics on ${entry.name}.${missing.join(', ')}`,
      code: `ANALYZE TABLE ${name} PERSISTENT FOR COLUMNS (${list(missing)}) INDEXES ();`,
      reason: `${found} MariaDB has no statistics on ${missing.join(', ')} (nothing in mysql.column_stats), so it assumed how many rows the condition keeps.` }], notes: [] };
  }
  return { suggestions: [], notes: [`${found} MariaDB has statistics on every tested column, so they are not the cause.`] };
}

/**
 * Statistics advice only where statistics are the cause: a node whose estimate and actual rows
 * (per loop, as both are printed) are ten times apart, that ran to the end (not under a Limit,
 * not either side of a Merge Join, not a semi-join's inner side or a subplan), on a table whose
 * statistics are stale or missing: PostgreSQL's last ANALYZE and rows changed since; MariaDB's
 * column statistics; MySQL's histograms. Fresh statistics give extended statistics for
 * correlated columns, or a note that says statistics are not the cause. Pure.
 *
 * @example
 * statisticsAdvice({ dialect: 'postgres', nodes, clauses, catalog }).suggestions
 * // [{ kind: 'statistics', title: 'Refresh the statistics of posts', code: 'ANALYZE posts;', … }]
 */
export function statisticsAdvice(input: StatisticsInput): StatisticsAdvice {
  const advice: StatisticsAdvice = { suggestions: [], notes: [] };
  const seen = new Set<string>();
  const ancestors = new Map<ReadNode, ReadNode[]>();
  for (const [node, parent] of walk(input.nodes)) ancestors.set(node, parent ? [...(ancestors.get(parent) ?? []), parent] : []);
  for (const [node] of walk(input.nodes)) {
    // MySQL's tree puts the estimate of a filtered scan on the Filter line above the table.
    const scan = node.operation === 'Filter' && node.children.length === 1 ? node.children[0] : node;
    const table = tableOfNode(scan, input);
    if (!table || seen.has(table.toLowerCase()) || !ranToCompletion(node, ancestors.get(node) ?? [], input)) continue;
    const estimated = Math.max(node.estimatedRows ?? 0, 1);
    const actual = Math.max(node.actualRows ?? 0, 1);
    if (Math.max(estimated, actual) / Math.min(estimated, actual) < MISESTIMATE_FACTOR || Math.max(estimated, actual) < MISESTIMATE_MIN_ROWS) continue;
    seen.add(table.toLowerCase());
    const loops = node.loops !== null && node.loops > 1 ? ` per loop (${count(node.loops)} loops)` : '';
    const found = `The planner expected ~${count(node.estimatedRows ?? 0)} rows from ${node.label} and got ${count(node.actualRows ?? 0)}${loops}.`;
    const entry = catalogTable(input.catalog, table);
    const cause = input.dialect === 'postgres' ? postgresCause(node.operation === 'Filter' ? scan : node, table, entry, found, input.catalog)
      : mysqlCause(node, table, entry, found, input);
    advice.suggestions.push(...cause.suggestions);
    advice.notes.push(...cause.notes);
  }
  return advice;
}
