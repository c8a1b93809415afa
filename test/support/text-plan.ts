import type { PlanNode } from '../../server/types.js';

/** One node of PostgreSQL's own text plan: its title, numbers and the `Name: value` lines under it. */
export interface TextPlanNode {
  subplan: string | null;
  label: string;
  startupCost: number;
  cost: number;
  rows: number;
  actualRows: number | null;
  loops: number | null;
  neverExecuted: boolean;
  lines: Map<string, string>;
  depth: number;
}

const NODE = /^(\s*)(?:->\s+)?(.+?)\s\s\(cost=([\d.]+)\.\.([\d.]+) rows=(\d+) width=\d+\)(?: \(actual (?:time=[\d.]+\.\.[\d.]+ )?rows=([\d.]+) loops=(\d+)\)| \(never executed\))?$/;
const DETAIL = /^\s+([A-Z][A-Za-z -]*?): (.*)$/;

/**
 * Reads `EXPLAIN (FORMAT TEXT)` of PostgreSQL into its nodes, depth first, so a test can hold the
 * toolbar's reading of the JSON plan against the database's own words for the same query.
 *
 * @example
 * parsePostgresTextPlan(rows.map((r) => r['QUERY PLAN']).join('\n'))
 */
export function parsePostgresTextPlan(text: string): TextPlanNode[] {
  const nodes: TextPlanNode[] = [];
  let pendingSubplan: string | null = null;
  for (const line of text.split('\n')) {
    const match = NODE.exec(line);
    if (match) {
      const [, indent, label, startup, total, rows, actualRows, loops] = match;
      nodes.push({
        subplan: pendingSubplan, label, startupCost: Number(startup), cost: Number(total), rows: Number(rows),
        actualRows: actualRows === undefined ? null : Number(actualRows), loops: loops === undefined ? null : Number(loops),
        neverExecuted: line.endsWith('(never executed)'), lines: new Map(), depth: indent.length,
      });
      pendingSubplan = null;
      continue;
    }
    const detail = DETAIL.exec(line);
    if (detail && nodes.length > 0 && !/^(Planning|Execution) Time$/.test(detail[1])) {
      nodes[nodes.length - 1].lines.set(detail[1], detail[2]);
      continue;
    }
    const trimmed = line.trim();
    if (/^(InitPlan|SubPlan|CTE) /.test(trimmed)) pendingSubplan = trimmed;
  }
  return nodes;
}

/** The toolbar's nodes depth first, as the text plan lists them. */
export function flatten(nodes: PlanNode[]): PlanNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}
