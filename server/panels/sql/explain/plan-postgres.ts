import { quoteIdent } from './identifiers.js';
import { counters, details, finishPlan, readNode, type ReadNode } from './plan-node.js';

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const list = (value: unknown): string | null =>
  (Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string').join(', ') || null : str(value));
const ident = (name: string) => quoteIdent(name, 'postgres');

/** The conditions and keys PostgreSQL prints under a node, in the order its text format prints them. */
const CONDITIONS = ['Index Cond', 'Recheck Cond', 'TID Cond', 'Merge Cond', 'Hash Cond', 'Join Filter', 'Order By',
  'One-Time Filter', 'Filter', 'Run Condition'];
const KEYS = ['Sort Key', 'Presorted Key', 'Group Key', 'Cache Key'];
/** Printed in text only when above zero (explain.c, show_instrumentation_count), per loop. */
const REMOVED = ['Rows Removed by Index Recheck', 'Rows Removed by Join Filter', 'Rows Removed by Filter'];
/** Nodes that read all of their input before returning a row: a parent stopping early does not stop their input. */
const BLOCKING = new Set(['Sort', 'Hash', 'HashAggregate', 'Aggregate', 'MixedAggregate', 'HashSetOp']);
/** Scans whose text names their target (explain.c, ExplainTargetRel) with " on name [alias]". */
const TARGET_NAMES = ['Relation Name', 'Function Name', 'Table Function Name', 'CTE Name', 'Tuplestore Name'];

/** The node type as text EXPLAIN prints it (explain.c, ExplainNode's pname), before its target. */
function nodeName(plan: PgPlan): string {
  const type = str(plan['Node Type']) ?? 'Unknown';
  const strategy = str(plan.Strategy);
  let name = type;
  if (type === 'Aggregate') {
    name = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' }[strategy ?? ''] ?? 'Aggregate';
    const mode = str(plan['Partial Mode']);
    if (mode === 'Partial' || mode === 'Finalize') name = `${mode} ${name}`;
  } else if (type === 'SetOp') name = strategy === 'Hashed' ? 'HashSetOp' : 'SetOp';
  else if (type === 'ModifyTable') name = str(plan.Operation) ?? type;
  else if (type === 'Foreign Scan' && str(plan.Operation) && plan.Operation !== 'Select') name = `Foreign ${String(plan.Operation)}`;
  else if (type === 'Custom Scan' && str(plan['Custom Plan Provider'])) name = `Custom Scan (${String(plan['Custom Plan Provider'])})`;
  else if (type === 'Merge Join' || type === 'Hash Join' || type === 'Nested Loop') {
    const join = str(plan['Join Type']) ?? 'Inner';
    const base = type === 'Nested Loop' ? type : type.slice(0, -' Join'.length);
    name = join !== 'Inner' ? `${base} ${join} Join` : type;
  }
  return name;
}

/** The whole title line, as text EXPLAIN prints it without its numbers. */
function labelOf(plan: PgPlan, name: string): string {
  let label = (plan['Parallel Aware'] === true ? 'Parallel ' : '') + (plan['Async Capable'] === true ? 'Async ' : '') + name;
  const type = str(plan['Node Type']);
  const index = str(plan['Index Name']);
  if (type === 'Bitmap Index Scan' && index) return `${label} on ${ident(index)}`;
  if ((type === 'Index Scan' || type === 'Index Only Scan') && index) {
    label += `${plan['Scan Direction'] === 'Backward' ? ' Backward' : ''} using ${ident(index)}`;
  }
  if (type === 'SetOp' && str(plan.Command)) label += ` ${String(plan.Command)}`;
  const object = TARGET_NAMES.map((key) => str(plan[key])).find((value) => value !== null) ?? null;
  const alias = str(plan.Alias);
  if (object !== null || alias !== null) {
    label += ' on';
    if (object !== null) label += ` ${ident(object)}`;
    if (alias !== null && alias !== object) label += ` ${ident(alias)}`;
  }
  return label;
}

/** `quicksort  Memory: 30kB`, as the text format prints a finished sort. */
function sortMethod(plan: PgPlan): string | null {
  const method = str(plan['Sort Method']);
  const used = num(plan['Sort Space Used']);
  return method && used !== null ? `${method}  ${str(plan['Sort Space Type']) ?? 'Memory'}: ${used}kB` : null;
}

/** `exact=240 lossy=12`: the heap pages a bitmap scan visited, the parts above zero. */
function heapBlocks(plan: PgPlan): string | null {
  const parts = [['exact', num(plan['Exact Heap Blocks'])], ['lossy', num(plan['Lossy Heap Blocks'])]]
    .filter(([, n]) => typeof n === 'number' && n > 0).map(([name, n]) => `${name}=${n}`);
  return parts.length > 0 ? parts.join(' ') : null;
}

function readPlan(plan: PgPlan, analyzed: boolean, stopsEarly: boolean): ReadNode {
  const type = str(plan['Node Type']) ?? 'Unknown';
  const operation = nodeName(plan);
  const loops = analyzed ? (num(plan['Actual Loops']) ?? 0) : null;
  const neverExecuted = loops === 0;
  const actualRows = analyzed ? (num(plan['Actual Rows']) ?? 0) : null;
  const perLoopTime = num(plan['Actual Total Time']);
  const removed = num(plan['Rows Removed by Filter']);
  const relation = str(plan['Relation Name']) ?? str(plan['CTE Name']) ?? str(plan['Function Name']);
  const alias = str(plan.Alias);
  const relationship = str(plan['Parent Relationship']);
  const joinType = type === 'Merge Join' || type === 'Hash Join' || type === 'Nested Loop' ? (str(plan['Join Type']) ?? 'Inner') : null;
  const mayStopEarly = stopsEarly || relationship === 'SubPlan' || relationship === 'InitPlan';
  const blocking = BLOCKING.has(operation.replace(/^(Partial|Finalize) /, ''));
  const children = (Array.isArray(plan.Plans) ? plan.Plans : []).map((child, i) => {
    // Which inputs the node may stop reading before they end: a Limit's, both sides of a Merge
    // Join (it stops when either runs out), the inner side of a semi or anti nested loop, and of
    // one whose inner side is unique (it stops at the first match of each outer row).
    const early = type === 'Limit' || type === 'Merge Join'
      || (type === 'Nested Loop' && i === 1 && (/Semi|Anti/.test(joinType ?? '') || plan['Inner Unique'] === true))
      || (mayStopEarly && !blocking);
    return readPlan(child, analyzed, early);
  });
  return readNode({
    operation,
    label: labelOf(plan, operation),
    subplan: str(plan['Subplan Name']),
    relation,
    alias: alias !== relation ? alias : null,
    index: str(plan['Index Name']),
    estimatedRows: num(plan['Plan Rows']),
    actualRows,
    loops,
    neverExecuted,
    cost: num(plan['Total Cost']),
    startupCost: num(plan['Startup Cost']),
    // PostgreSQL prints the time of one loop, averaged; the node's share of the query is all of its loops.
    timeMs: analyzed ? (neverExecuted ? 0 : (perLoopTime ?? 0) * (loops ?? 1)) : null,
    filter: str(plan.Filter),
    details: details([...CONDITIONS.map((name): [string, string | null] => [name, str(plan[name])]),
      ...KEYS.map((name): [string, string | null] => [name, list(plan[name])]),
      ['Sort Method', sortMethod(plan)], ['Heap Blocks', heapBlocks(plan)]]),
    counters: counters([...REMOVED.map((name): [string, number | null] => [name, (num(plan[name]) ?? 0) > 0 ? num(plan[name]) : null]),
      ['Heap Fetches', num(plan['Heap Fetches'])],
      ['Workers Planned', num(plan['Workers Planned'])], ['Workers Launched', num(plan['Workers Launched'])]]),
    // With ANALYZE a Seq Scan tells how many rows it read per loop: those it kept plus those it threw away.
    scannedRows: (type === 'Seq Scan') && actualRows !== null && !neverExecuted ? actualRows + (removed ?? 0) : null,
    sortKey: Array.isArray(plan['Sort Key']) ? plan['Sort Key'].filter((key): key is string => typeof key === 'string') : [],
    fullScan: type === 'Seq Scan',
    sorts: type === 'Sort' || type === 'Incremental Sort',
    mayStopEarly,
    joinType,
    children,
  });
}

/**
 * Reads `EXPLAIN (FORMAT JSON)` output, with or without ANALYZE: the "QUERY PLAN" value, which pg
 * and PGlite hand over already parsed (a string is parsed here). Each node keeps the title, the
 * conditions (under their own names) and the counters the text format prints for it; its time
 * is over all its loops.
 *
 * @example
 * readPostgresPlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', Alias: 'posts', 'Plan Rows': 120 } }])
 * // [{ operation: 'Seq Scan', label: 'Seq Scan on posts', relation: 'posts', estimatedRows: 120, … }]
 */
export function readPostgresPlan(plan: unknown): ReadNode[] {
  const parsed = typeof plan === 'string' ? JSON.parse(plan) : plan;
  const roots = (Array.isArray(parsed) ? parsed : [parsed])
    .filter((root): root is { Plan: PgPlan } => typeof root === 'object' && root !== null && 'Plan' in root);
  return finishPlan(roots.map((root) => {
    const analyzed = 'Execution Time' in root || num(root.Plan['Actual Loops']) !== null;
    return readPlan(root.Plan, analyzed, false);
  }));
}
