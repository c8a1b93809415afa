/**
 * Reading a plan for display: nodes flattened depth first with their depth, a measure for the
 * bars (time over all loops when the plan was analyzed, else cost), and the hot node the server
 * marked (the largest own time, else own cost).
 */
import type { PlanNode } from '../../../../server/types.js';

export interface PlanRow {
  node: PlanNode;
  depth: number;
  /** Inclusive time (all loops) or cost: what the bar shows. */
  value: number | null;
  /** The node's own work: its own time from the server, else its cost minus its children's. */
  self: number | null;
  /** 0–1, `value` relative to the largest in the plan. */
  share: number;
  hot: boolean;
}

export interface PlanView {
  rows: PlanRow[];
  measure: 'time' | 'cost' | null;
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * @example
 * readPlan([{ operation: 'Sort', cost: 10, children: [{ operation: 'Seq Scan', cost: 8, hot: true, … }], … }])
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
  const measure = flat.some(({ node }) => finite(node.timeMs) !== null) ? 'time' : flat.some(({ node }) => finite(node.cost) !== null) ? 'cost' : null;
  const valueOf = (node: PlanNode): number | null => finite(measure === 'time' ? node.timeMs : measure === 'cost' ? node.cost : null);
  const max = Math.max(0, ...flat.map(({ node }) => valueOf(node) ?? 0));
  const rows = flat.map(({ node, depth }): PlanRow => {
    const value = valueOf(node);
    const children = (node.children ?? []).reduce((sum, child) => sum + (valueOf(child) ?? 0), 0);
    const self = measure === 'time' ? finite(node.selfTimeMs) : value === null ? null : Math.max(0, value - children);
    return { node, depth, value, self, share: max > 0 && value !== null ? value / max : 0, hot: node.hot === true };
  });
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
