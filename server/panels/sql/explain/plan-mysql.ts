import { readNode, type ReadNode } from './plan-node.js';

type Json = Record<string, unknown>;

const num = (value: unknown): number | null => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** access_type, in the words of MySQL's EXPLAIN documentation. */
const ACCESS: Record<string, string> = {
  ALL: 'Full table scan', index: 'Full index scan', range: 'Index range scan', ref: 'Index lookup',
  eq_ref: 'Unique index lookup', const: 'Constant row', system: 'Constant row', ref_or_null: 'Index lookup',
  index_merge: 'Index merge', fulltext: 'Fulltext index', unique_subquery: 'Unique subquery',
  index_subquery: 'Index subquery', hash: 'Hash join',
};

function readTable(table: Json): ReadNode {
  const access = str(table.access_type) ?? 'unknown';
  const examined = num(table.rows_examined_per_scan) ?? num(table.rows);
  const filtered = num(table.filtered);
  const actualExamined = num(table.r_rows);
  const actualFiltered = num(table.r_filtered);
  const costInfo = isObject(table.cost_info) ? table.cost_info : {};
  const time = num(table.r_total_time_ms) ?? (num(table.r_table_time_ms) !== null
    ? (num(table.r_table_time_ms) ?? 0) + (num(table.r_other_time_ms) ?? 0) : null);
  // MySQL gives rows_produced_per_join; MariaDB gives rows examined and the percentage kept.
  const produced = num(table.rows_produced_per_join)
    ?? (examined !== null ? Math.round((examined * (filtered ?? 100)) / 100) : null);
  return readNode({
    operation: ACCESS[access] ?? access,
    relation: str(table.table_name),
    index: str(table.key),
    estimatedRows: produced,
    actualRows: actualExamined !== null ? Math.round((actualExamined * (actualFiltered ?? 100)) / 100) : null,
    cost: num(costInfo.prefix_cost) ?? num(costInfo.read_cost),
    timeMs: time,
    filter: str(table.attached_condition),
    scannedRows: actualExamined ?? examined,
    fullScan: access === 'ALL',
    children: childrenOf(table, new Set(['attached_condition'])),
  });
}

/** The plan nodes under `value`, whatever wrapper keys (nested_loop, read_sorted_file, …) it uses. */
function childrenOf(value: unknown, skip = new Set<string>()): ReadNode[] {
  if (Array.isArray(value)) return value.flatMap((item) => childrenOf(item));
  if (!isObject(value)) return [];
  const nodes: ReadNode[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (skip.has(key)) continue;
    if (key === 'table' && isObject(child)) nodes.push(readTable(child));
    else if (key === 'query_block' && isObject(child)) nodes.push(readBlock(child));
    else if (key === 'filesort' && isObject(child)) {
      nodes.push(readNode({
        operation: 'Sort', sorts: true, sortKey: (str(child.sort_key) ?? '').split(',').map((k) => k.trim()).filter(Boolean),
        timeMs: num(child.r_total_time_ms), actualRows: num(child.r_output_rows), children: childrenOf(child),
      }));
    } else if (key === 'ordering_operation' && isObject(child) && child.using_filesort === true) {
      nodes.push(readNode({ operation: 'Sort', sorts: true, children: childrenOf(child) }));
    } else if (key === 'temporary_table' && isObject(child)) {
      nodes.push(readNode({ operation: 'Temporary table', children: childrenOf(child) }));
    } else if (key === 'nested_loop' && Array.isArray(child) && child.length > 1) {
      nodes.push(readNode({ operation: 'Nested loop', children: childrenOf(child) }));
    } else if (typeof child === 'object' && child !== null) nodes.push(...childrenOf(child));
  }
  return nodes;
}

function readBlock(block: Json): ReadNode {
  const costInfo = isObject(block.cost_info) ? block.cost_info : {};
  return readNode({
    operation: `Query block #${num(block.select_id) ?? 1}`,
    cost: num(costInfo.query_cost),
    timeMs: num(block.r_total_time_ms),
    children: childrenOf(block, new Set(['select_id', 'cost_info'])),
  });
}

/**
 * Reads `EXPLAIN FORMAT=JSON` (MySQL 8, MariaDB) and MariaDB's `ANALYZE FORMAT=JSON`: one
 * "Query block" node per SELECT, tables under it (their `table_name` is the alias the query used).
 *
 * @example
 * readMysqlJsonPlan('{"query_block":{"select_id":1,"table":{"table_name":"t","access_type":"ALL","rows":9}}}')
 * // [{ operation: 'Query block #1', children: [{ operation: 'Full table scan', relation: 't', … }] }]
 */
export function readMysqlJsonPlan(plan: unknown): ReadNode[] {
  const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
  return childrenOf(parsed, new Set(['query_optimization']));
}

const TREE_LINE = /^(\s*)-> (.*?)(?:\s+\(cost=([\d.e+]+)(?:\.\.([\d.e+]+))? rows=([\d.e+]+)\))?(?:\s+\(actual time=([\d.e+]+)\.\.([\d.e+]+) rows=([\d.e+]+) loops=(\d+)\))?(?:\s+\(never executed\))?\s*$/;

/** `Table scan on t`, `Index lookup on t using i (a=3)`, `Filter: (t.a = 3)`, `Sort: t.b DESC, limit …`. */
function readTreeLabel(label: string): Partial<ReadNode> & { operation: string } {
  const scan = /^(.*?) on (`[^`]+`|\S+)(?: using (`[^`]+`|\S+))?(?: (?:over )?\((.*)\))?/.exec(label);
  if (scan && !label.includes(':')) {
    const operation = scan[1];
    return {
      operation, relation: scan[2].replace(/`/g, ''), index: scan[3]?.replace(/`/g, '') ?? null,
      filter: scan[4] ?? null, fullScan: operation === 'Table scan',
    };
  }
  const colon = label.indexOf(': ');
  if (colon < 0) return { operation: label };
  const operation = label.slice(0, colon);
  const rest = label.slice(colon + 2);
  if (operation === 'Filter') return { operation, filter: rest };
  if (operation === 'Sort' || operation === 'Sort row IDs') {
    return { operation, sorts: true, sortKey: rest.split(', ').filter((key) => !/^limit input/.test(key)) };
  }
  return { operation, filter: null };
}

/**
 * Reads MySQL's `EXPLAIN ANALYZE` tree (text; MySQL has no JSON form of it before 8.3). A
 * `Filter:` line's condition is also given to the table scan under it, which is what it filters.
 *
 * @example
 * readMysqlTree('-> Filter: (t.a = 3)  (cost=1 rows=1)\n    -> Table scan on t  (cost=1 rows=10)')
 */
export function readMysqlTree(text: string): ReadNode[] {
  const roots: ReadNode[] = [];
  const stack: { indent: number; node: ReadNode }[] = [];
  for (const line of text.split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const [, indent, label, startCost, totalCost, rows, , time, actualRows, loops] = match;
    const cost = totalCost ?? startCost;
    const fields = readTreeLabel(label);
    const node = readNode({
      ...fields,
      cost: cost !== undefined ? Number(cost) : null,
      estimatedRows: rows !== undefined ? Number(rows) : null,
      actualRows: actualRows !== undefined ? Number(actualRows) : null,
      timeMs: time !== undefined ? Number(time) : null,
    });
    if (node.fullScan) node.scannedRows = node.actualRows !== null ? node.actualRows * Number(loops ?? 1) : node.estimatedRows;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent.length) stack.pop();
    const parent = stack[stack.length - 1]?.node;
    if (parent) {
      parent.children.push(node);
      if (parent.operation === 'Filter' && node.fullScan && !node.filter) node.filter = parent.filter;
    } else roots.push(node);
    stack.push({ indent: indent.length, node });
  }
  return roots;
}
