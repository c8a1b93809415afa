import type { PlanCounter, PlanDetail, PlanNode } from '../../../types.js';

/**
 * A plan node as the parsers read it: the public {@link PlanNode} plus what the suggestions need
 * and the panel does not show.
 */
export interface ReadNode extends PlanNode {
  children: ReadNode[];
  /** Rows the node reads from its table per loop: examined before any filter (estimate, or actual when analyzed). */
  scannedRows: number | null;
  /**
   * The planner's estimate of the same, when the plan prints one (MariaDB's `rows`): what a scan
   * reads when it runs to the end, whether or not this run stopped early.
   */
  plannedScannedRows: number | null;
  /** ORDER BY keys of a sort node, as the database printed them (`created_at DESC`). */
  sortKey: string[];
  /** True for a node that reads a whole table without an index (Seq Scan, access type ALL, SQLite SCAN). */
  fullScan: boolean;
  /** True for a node that sorts rows the index order did not give. */
  sorts: boolean;
  /**
   * The parent may stop reading this node before it has returned all its rows: the input of a
   * Limit, either side of a Merge Join, the inner side of a semi or anti join, a subplan. Its
   * actual rows then say nothing about the planner's estimate.
   */
  mayStopEarly: boolean;
  /** The join's kind (`Inner`, `Left`, `Semi`…) for a join node; null otherwise. */
  joinType: string | null;
}

/** Defaults for the fields a parser does not know; `label` defaults to the operation. */
export function readNode(fields: Partial<ReadNode> & { operation: string }): ReadNode {
  return {
    label: fields.operation, subplan: null, relation: null, alias: null, index: null, estimatedRows: null,
    actualRows: null, loops: null, neverExecuted: false, cost: null, startupCost: null, timeMs: null, selfTimeMs: null,
    hot: false, filter: null, details: [], counters: [], children: [], scannedRows: null, plannedScannedRows: null, sortKey: [], fullScan: false,
    sorts: false, mayStopEarly: false, joinType: null, ...fields,
  };
}

/** Every node, depth first, with its parent. */
export function* walk(nodes: ReadNode[], parent: ReadNode | null = null): Generator<[ReadNode, ReadNode | null]> {
  for (const node of nodes) {
    yield [node, parent];
    yield* walk(node.children, node);
  }
}

/** The first detail of a node with one of `names`, in the order given. */
export function detail(node: PlanNode, ...names: string[]): string | null {
  for (const name of names) {
    const found = node.details.find((d) => d.name === name);
    if (found) return found.text;
  }
  return null;
}

/** The conditions and keys worth listing, in the order the database prints them. */
export function details(entries: [string, string | null | undefined][]): PlanDetail[] {
  return entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([name, text]) => ({ name, text }));
}

/** Counters with a value, as the database names them. */
export function counters(entries: [string, number | null | undefined][]): PlanCounter[] {
  return entries.filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
    .map(([name, value]) => ({ name, value }));
}

/**
 * Fills in what depends on the whole tree: each node's own time (its time over all loops minus
 * its children's), and the hot node, the one with the largest own time when the plan ran, else
 * the largest own cost. Subplans run inside their parent's time, so they are subtracted too;
 * a negative remainder (a CTE scanned by a sibling, parallel workers) counts as zero.
 *
 * @example
 * finishPlan(readPostgresPlan(plan)) // the same nodes, selfTimeMs and hot set
 */
export function finishPlan<T extends ReadNode>(nodes: T[]): T[] {
  const all = [...walk(nodes)].map(([node]) => node);
  const analyzed = all.some((node) => node.timeMs !== null);
  const own = (node: ReadNode): number | null => {
    const value = analyzed ? node.timeMs : node.cost;
    if (value === null) return null;
    const children = node.children.reduce((sum, child) => sum + ((analyzed ? child.timeMs : child.cost) ?? 0), 0);
    return Math.max(0, value - children);
  };
  let hot: ReadNode | null = null;
  let hotValue = 0;
  for (const node of all) {
    const value = own(node);
    if (analyzed) node.selfTimeMs = value;
    if (value !== null && value > hotValue) {
      hot = node;
      hotValue = value;
    }
  }
  if (hot && all.length > 1) hot.hot = true;
  return nodes;
}

/** The nodes as the API serves them: the public fields only. */
export function toPlanNodes(nodes: ReadNode[]): PlanNode[] {
  return nodes.map((node) => ({
    operation: node.operation, label: node.label, subplan: node.subplan, relation: node.relation, alias: node.alias,
    index: node.index, estimatedRows: node.estimatedRows, actualRows: node.actualRows, loops: node.loops,
    neverExecuted: node.neverExecuted, cost: node.cost, startupCost: node.startupCost, timeMs: node.timeMs,
    selfTimeMs: node.selfTimeMs, hot: node.hot, filter: node.filter, details: node.details, counters: node.counters,
    children: toPlanNodes(node.children),
  }));
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 3 : 2));

/**
 * The plan as indented text, one line per node with its details under it, for copying into an
 * issue or a chat. Times are over all loops (PostgreSQL's own text shows them per loop).
 *
 * @example
 * planText(readPostgresPlan(plan))
 * // 'Seq Scan on posts  (cost=0.00..250.00 rows=120)\n  Filter: (author_id = 3)'
 */
export function planText(nodes: PlanNode[], depth = 0): string {
  const lines: string[] = [];
  for (const node of nodes) {
    const pad = '  '.repeat(depth * 2);
    if (node.subplan) lines.push(`${pad}${node.subplan}`);
    let line = `${depth > 0 ? '-> ' : ''}${node.label}`;
    const cost = node.cost === null ? '' : node.startupCost === null ? `cost=${round(node.cost)}` : `cost=${node.startupCost.toFixed(2)}..${node.cost.toFixed(2)}`;
    const estimate = [cost, node.estimatedRows !== null ? `rows=${round(node.estimatedRows)}` : ''].filter(Boolean).join(' ');
    if (estimate) line += `  (${estimate})`;
    if (node.neverExecuted) line += ' (never executed)';
    else {
      const actual = [
        node.timeMs !== null ? `time=${round(node.timeMs)}ms` : '', node.actualRows !== null ? `rows=${round(node.actualRows)}` : '',
        node.loops !== null ? `loops=${node.loops}` : '',
      ].filter(Boolean).join(' ');
      if (actual) line += ` (actual ${actual})`;
    }
    lines.push(pad + line);
    const detailPad = `${pad}${depth > 0 ? '   ' : ''}  `;
    for (const entry of node.details) lines.push(`${detailPad}${entry.name}: ${entry.text}`);
    for (const entry of node.counters) lines.push(`${detailPad}${entry.name}: ${round(entry.value)}`);
    const children = planText(node.children, depth + 1);
    if (children) lines.push(children);
  }
  return lines.join('\n');
}
