import { readNode, type ReadNode } from './plan-node.js';

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The condition a node applies, most telling first. */
function conditionOf(plan: PgPlan): string | null {
  return str(plan.Filter) ?? str(plan['Index Cond']) ?? str(plan['Recheck Cond']) ?? str(plan['Hash Cond'])
    ?? str(plan['Merge Cond']) ?? str(plan['Join Filter']);
}

function readPlan(plan: PgPlan): ReadNode {
  const type = str(plan['Node Type']) ?? 'Unknown';
  const operation = type === 'ModifyTable' && str(plan.Operation) ? String(plan.Operation) : type;
  const actualRows = num(plan['Actual Rows']);
  const loops = num(plan['Actual Loops']) ?? 1;
  const removed = num(plan['Rows Removed by Filter']);
  const relation = str(plan['Relation Name']) ?? str(plan['CTE Name']) ?? str(plan['Function Name']);
  const alias = str(plan.Alias);
  return readNode({
    operation,
    relation,
    alias: alias !== relation ? alias : null,
    index: str(plan['Index Name']),
    estimatedRows: num(plan['Plan Rows']),
    actualRows,
    cost: num(plan['Total Cost']),
    timeMs: num(plan['Actual Total Time']),
    filter: conditionOf(plan),
    // With ANALYZE a Seq Scan tells how many rows it read: the ones it kept plus the ones it threw away.
    scannedRows: type === 'Seq Scan' && actualRows !== null ? (actualRows + (removed ?? 0)) * loops : null,
    sortKey: Array.isArray(plan['Sort Key']) ? plan['Sort Key'].filter((key): key is string => typeof key === 'string') : [],
    fullScan: type === 'Seq Scan' || type === 'Parallel Seq Scan',
    sorts: type === 'Sort' || type === 'Incremental Sort',
    children: Array.isArray(plan.Plans) ? plan.Plans.map(readPlan) : [],
  });
}

/**
 * Reads `EXPLAIN (FORMAT JSON)` output, with or without ANALYZE: the "QUERY PLAN" value, which pg
 * and PGlite hand over already parsed (a string is parsed here).
 *
 * @example
 * readPostgresPlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', 'Plan Rows': 120 } }])
 * // [{ operation: 'Seq Scan', relation: 'posts', estimatedRows: 120, … }]
 */
export function readPostgresPlan(plan: unknown): ReadNode[] {
  const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
  const roots = Array.isArray(parsed) ? parsed : [parsed];
  return roots
    .filter((root): root is { Plan: PgPlan } => typeof root === 'object' && root !== null && 'Plan' in root)
    .map((root) => readPlan(root.Plan));
}
