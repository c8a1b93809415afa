import { counters, details, finishPlan, readNode, type ReadNode } from './plan-node.js';

type Json = Record<string, unknown>;

const num = (value: unknown): number | null => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const joined = (value: unknown): string | null =>
  (Array.isArray(value) ? value.map(String).join(',') || null : str(value));

/** access_type, in the words of MySQL's EXPLAIN documentation; the type itself is kept as the `type` detail. */
const ACCESS: Record<string, string> = {
  ALL: 'Full table scan', index: 'Full index scan', range: 'Index range scan', ref: 'Index lookup',
  eq_ref: 'Unique index lookup', const: 'Constant row', system: 'Constant row', ref_or_null: 'Index lookup',
  index_merge: 'Index merge', fulltext: 'Fulltext index', unique_subquery: 'Unique subquery',
  index_subquery: 'Index subquery', hash: 'Hash join',
};

/** A join buffer around a table (MariaDB's `block-nl-join`, `block-nl-join`'s BNLH…): its condition and how it joins. */
interface JoinBuffer {
  condition: string | null;
  kind: string | null;
  /** The share of the joined rows the buffer's condition kept (ANALYZE): the tabular form shows it as the table's r_filtered. */
  filtered: number | null;
}

function readTable(table: Json, buffer: JoinBuffer | null): ReadNode {
  // MariaDB (and MySQL) put the outcome of an optimization in place of a table: "Impossible WHERE
  // noticed after reading const tables", "no matching row in const table", "No tables used".
  const message = str(table.message);
  if (message !== null && str(table.access_type) === null) return readNode({ operation: message });
  const access = str(table.access_type) ?? 'unknown';
  const name = str(table.table_name);
  const examined = num(table.rows_examined_per_scan) ?? num(table.rows);
  const filtered = num(table.filtered);
  const loops = num(table.r_loops);
  const actualExamined = num(table.r_rows);
  const actualFiltered = buffer?.filtered ?? num(table.r_filtered);
  const costInfo = isObject(table.cost_info) ? table.cost_info : {};
  const time = num(table.r_total_time_ms) ?? (num(table.r_table_time_ms) !== null
    ? (num(table.r_table_time_ms) ?? 0) + (num(table.r_other_time_ms) ?? 0) : null);
  const key = str(table.key);
  const operation = ACCESS[access] ?? access;
  const ownCondition = str(table.attached_condition);
  return readNode({
    operation,
    label: `${operation} on ${name ?? '?'}${key ? ` using ${key}` : ''}`,
    relation: name,
    index: key,
    // Rows per loop: examined times the share the condition keeps (MariaDB's `rows` × `filtered`).
    estimatedRows: examined !== null ? Math.round((examined * (filtered ?? 100)) / 100) : null,
    actualRows: actualExamined !== null ? Math.round((actualExamined * (actualFiltered ?? 100)) / 100) : null,
    loops,
    neverExecuted: loops === 0,
    cost: num(costInfo.prefix_cost) ?? num(costInfo.read_cost) ?? num(table.cost),
    timeMs: time,
    filter: ownCondition ?? buffer?.condition ?? null,
    details: details([
      ['type', access], ['ref', joined(table.ref)], ['index_condition', str(table.index_condition)],
      ['attached_condition', ownCondition],
      [ownCondition ? 'attached_condition (join buffer)' : 'attached_condition', buffer?.condition],
      ['join buffer', buffer?.kind],
    ]),
    counters: counters([['rows', examined], ['filtered', filtered], ['r_loops', loops], ['r_rows', actualExamined],
      ['r_filtered', actualFiltered]]),
    scannedRows: actualExamined ?? examined,
    plannedScannedRows: examined,
    fullScan: access === 'ALL',
    children: childrenOf(table, new Set(['attached_condition', 'message'])),
  });
}

function readSort(sort: Json, wrapper: 'filesort' | 'ordering_operation', sortedRows: number | null): ReadNode {
  const key = str(sort.sort_key);
  return readNode({
    operation: 'Sort',
    label: 'Sort (filesort)',
    sorts: true,
    sortKey: (key ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    loops: num(sort.r_loops),
    timeMs: num(sort.r_total_time_ms),
    actualRows: num(sort.r_output_rows),
    details: details([['sort_key', key]]),
    // MariaDB counts the rows read back from the sorted file on its wrapper (read_sorted_file): the tabular form's r_rows.
    counters: counters([['r_rows', sortedRows], ['r_limit', num(sort.r_limit)]]),
    children: childrenOf(sort, new Set(wrapper === 'filesort' ? ['sort_key'] : ['using_filesort'])),
  });
}

/** The plan nodes under `value`, whatever wrapper keys (nested_loop, read_sorted_file, …) it uses. */
function childrenOf(value: unknown, skip = new Set<string>()): ReadNode[] {
  if (Array.isArray(value)) return value.flatMap((item) => childrenOf(item));
  if (!isObject(value)) return [];
  const nodes: ReadNode[] = [];
  const sortedRows = num(value.r_rows);
  for (const [key, child] of Object.entries(value)) {
    if (skip.has(key) || !(typeof child === 'object' && child !== null)) continue;
    if (key === 'table' && isObject(child)) nodes.push(readTable(child, null));
    else if (key.startsWith('block-nl-join') && isObject(child) && isObject(child.table)) {
      const kind = [str(child.buffer_type), str(child.join_type)].filter(Boolean).join(', ');
      nodes.push(readTable(child.table, { condition: str(child.attached_condition), kind: kind ? `${kind} join` : null, filtered: num(child.r_filtered) }));
    } else if (key === 'query_block' && isObject(child)) nodes.push(readBlock(child));
    else if (key === 'filesort' && isObject(child)) nodes.push(readSort(child, 'filesort', sortedRows));
    else if (key === 'ordering_operation' && isObject(child) && child.using_filesort === true) nodes.push(readSort(child, 'ordering_operation', null));
    else if (key === 'temporary_table' && isObject(child)) {
      nodes.push(readNode({ operation: 'Temporary table', children: childrenOf(child) }));
    } else if (key === 'nested_loop' && Array.isArray(child) && child.length > 1) {
      nodes.push(readNode({ operation: 'Nested loop', children: childrenOf(child) }));
    } else nodes.push(...childrenOf(child));
  }
  return nodes;
}

function readBlock(block: Json): ReadNode {
  const costInfo = isObject(block.cost_info) ? block.cost_info : {};
  const id = num(block.select_id) ?? 1;
  return readNode({
    operation: `Query block #${id}`,
    cost: num(costInfo.query_cost) ?? num(block.cost),
    loops: num(block.r_loops),
    timeMs: num(block.r_total_time_ms),
    details: details([['const_condition', str(block.const_condition)], ['outer_ref_condition', str(block.outer_ref_condition)]]),
    children: childrenOf(block, new Set(['select_id', 'cost_info', 'const_condition', 'outer_ref_condition'])),
  });
}

/**
 * Reads `EXPLAIN FORMAT=JSON` (MySQL 8, MariaDB) and MariaDB's `ANALYZE FORMAT=JSON`: one
 * "Query block" node per SELECT, tables under it (their `table_name` is the alias the query used),
 * each with the numbers the tabular EXPLAIN prints under their own names (`rows`, `filtered`,
 * `r_rows`…). A block whose only content is a message ("no matching row in const table") has
 * that message as its node.
 *
 * @example
 * readMysqlJsonPlan('{"query_block":{"select_id":1,"table":{"table_name":"t","access_type":"ALL","rows":9}}}')
 * // [{ operation: 'Query block #1', children: [{ operation: 'Full table scan', label: 'Full table scan on t', … }] }]
 */
export function readMysqlJsonPlan(plan: unknown): ReadNode[] {
  const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
  return finishPlan(childrenOf(parsed, new Set(['query_optimization'])));
}

export { readMysqlTree } from './plan-mysql-tree.js';
