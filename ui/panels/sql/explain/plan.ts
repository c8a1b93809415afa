/**
 * Reading a plan for display: nodes flattened depth first with their depth, a measure for the
 * bars (time when the plan was analyzed, else cost), and the hot node: the largest self share.
 */
import type { PlanNode } from '../../../../server/types.js';

export interface PlanRow {
  node: PlanNode;
  depth: number;
  /** Inclusive time or cost: what the bar shows. */
  value: number | null;
  /** `value` minus the children's: the node's own work. */
  self: number | null;
  /** 0–1, `value` relative to the largest in the plan. */
  share: number;
  hot: boolean;
}

export interface PlanView {
  rows: PlanRow[];
  measure: 'time' | 'cost' | null;
}

/**
 * @example
 * readPlan([{ operation: 'Sort', cost: 10, children: [{ operation: 'Seq Scan', cost: 8, … }], … }])
 * // → { measure: 'cost', rows: [{ depth: 0, self: 2, … }, { depth: 1, self: 8, hot: true, … }] }
 */
export function readPlan(nodes: readonly PlanNode[]): PlanView {
  const flat: Array<{ node: PlanNode; depth: number }> = [];
  const walk = (list: readonly PlanNode[], depth: number) => {
    for (const node of list) {
      flat.push({ node, depth });
      walk(node.children ?? [], depth + 1);
    }
  };
  walk(nodes, 0);
  const measure = flat.some(({ node }) => node.timeMs !== null && node.timeMs !== undefined)
    ? 'time'
    : flat.some(({ node }) => node.cost !== null && node.cost !== undefined)
      ? 'cost'
      : null;
  const valueOf = (node: PlanNode): number | null => {
    const v = measure === 'time' ? node.timeMs : measure === 'cost' ? node.cost : null;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const max = Math.max(0, ...flat.map(({ node }) => valueOf(node) ?? 0));
  const rows: PlanRow[] = flat.map(({ node, depth }) => {
    const value = valueOf(node);
    const childSum = (node.children ?? []).reduce((sum, child) => sum + (valueOf(child) ?? 0), 0);
    return { node, depth, value, self: value === null ? null : Math.max(0, value - childSum), share: max > 0 && value !== null ? value / max : 0, hot: false };
  });
  let hot: PlanRow | null = null;
  for (const row of rows) if (row.self !== null && row.self > 0 && (!hot || row.self > (hot.self ?? 0))) hot = row;
  if (hot && rows.length > 1) hot.hot = true;
  return { rows, measure };
}

/**
 * A cheap client-side check: ANALYZE only makes sense (and the server only allows it) for reads.
 *
 * @example
 * isReadStatement('/* list *\/ WITH x AS (SELECT 1) SELECT * FROM x') // → true
 */
export function isReadStatement(sql: string): boolean {
  const stripped = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, '');
  if (/^(select|values|table)\b/i.test(stripped)) return true;
  // A WITH can hide a data-modifying CTE; the server has the last word either way.
  return /^with\b/i.test(stripped) && !/\b(insert|update|delete|merge)\b/i.test(stripped);
}
