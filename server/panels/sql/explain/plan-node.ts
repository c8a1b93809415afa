import type { PlanNode } from '../../../types.js';

/**
 * A plan node as the parsers read it: the public {@link PlanNode} plus what the suggestions need
 * and the panel does not show.
 */
export interface ReadNode extends PlanNode {
  children: ReadNode[];
  /** The name the query gave the table (alias), when it differs from `relation` or is all we know. */
  alias: string | null;
  /** Rows the node reads from its table: examined before any filter (estimate, or actual when analyzed). */
  scannedRows: number | null;
  /** ORDER BY keys of a sort node, as the database printed them (`created_at DESC`). */
  sortKey: string[];
  /** True for a node that reads a whole table without an index (Seq Scan, access type ALL, SQLite SCAN). */
  fullScan: boolean;
  /** True for a node that sorts rows the index order did not give. */
  sorts: boolean;
}

/** Defaults for the fields a parser does not know. */
export function readNode(fields: Partial<ReadNode> & { operation: string }): ReadNode {
  return {
    relation: null, index: null, estimatedRows: null, actualRows: null, cost: null, timeMs: null, filter: null,
    children: [], alias: null, scannedRows: null, sortKey: [], fullScan: false, sorts: false, ...fields,
  };
}

/** Every node, depth first, with its parent. */
export function* walk(nodes: ReadNode[], parent: ReadNode | null = null): Generator<[ReadNode, ReadNode | null]> {
  for (const node of nodes) {
    yield [node, parent];
    yield* walk(node.children, node);
  }
}

/** The nodes as the API serves them: the public fields only. */
export function toPlanNodes(nodes: ReadNode[]): PlanNode[] {
  return nodes.map((node) => ({
    operation: node.operation, relation: node.relation, index: node.index, estimatedRows: node.estimatedRows,
    actualRows: node.actualRows, cost: node.cost, timeMs: node.timeMs, filter: node.filter,
    children: toPlanNodes(node.children),
  }));
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 3 : 2));

/**
 * The plan as indented text, one line per node, for copying into an issue or a chat.
 *
 * @example
 * planText([readNode({ operation: 'Seq Scan', relation: 'posts', estimatedRows: 120, filter: '(author_id = 3)' })])
 * // 'Seq Scan on posts  (rows=120)\n  Filter: (author_id = 3)'
 */
export function planText(nodes: (PlanNode & { sortKey?: string[] })[], depth = 0): string {
  const lines: string[] = [];
  for (const node of nodes) {
    const pad = '  '.repeat(depth * 2);
    let line = `${depth > 0 ? '-> ' : ''}${node.operation}`;
    if (node.relation) line += ` on ${node.relation}`;
    if (node.index) line += ` using ${node.index}`;
    const estimate = [node.cost !== null ? `cost=${round(node.cost)}` : '', node.estimatedRows !== null ? `rows=${round(node.estimatedRows)}` : '']
      .filter(Boolean).join(' ');
    if (estimate) line += `  (${estimate})`;
    const actual = [node.timeMs !== null ? `time=${round(node.timeMs)}ms` : '', node.actualRows !== null ? `rows=${round(node.actualRows)}` : '']
      .filter(Boolean).join(' ');
    if (actual) line += ` (actual ${actual})`;
    lines.push(pad + line);
    const detailPad = `${pad}${depth > 0 ? '   ' : ''}  `;
    if (node.sortKey?.length) lines.push(`${detailPad}Sort Key: ${node.sortKey.join(', ')}`);
    if (node.filter) lines.push(`${detailPad}Filter: ${node.filter}`);
    const children = planText(node.children, depth + 1);
    if (children) lines.push(children);
  }
  return lines.join('\n');
}
