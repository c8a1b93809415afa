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

/** Lines of PostgreSQL's text plan the toolbar carries, under the same names. */
const CARRIED = new Set(['Index Cond', 'Recheck Cond', 'TID Cond', 'Merge Cond', 'Hash Cond', 'Join Filter', 'Order By',
  'One-Time Filter', 'Filter', 'Run Condition', 'Sort Key', 'Presorted Key', 'Group Key', 'Cache Key', 'Sort Method', 'Heap Blocks',
  'Rows Removed by Index Recheck', 'Rows Removed by Join Filter', 'Rows Removed by Filter', 'Heap Fetches', 'Workers Planned',
  'Workers Launched']);
/** Lines it leaves out, on purpose: memory and buffer internals, per-worker repeats. A line in neither set fails the comparison. */
export const LEFT_OUT = /^(Buckets|Batches|Memory Usage|Buffers|Planning|Storage|Window|Index Searches|Worker \d+|Full-sort Groups|Pre-sorted Groups|Cache Mode|Hits|Hash Key)$/;

const number = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/**
 * Every difference between the toolbar's nodes and PostgreSQL's own text plan of the same
 * statement: titles, subplan names, costs, estimated and actual rows, loops, never-executed, and
 * each condition, key and counter under its name. Times are not compared (two runs).
 *
 * @example
 * expect(postgresMismatches(toPlanNodes(readPostgresPlan(json)), text)).toEqual([])
 */
export function postgresMismatches(nodes: PlanNode[], text: string): string[] {
  const ours = flatten(nodes);
  const theirs = parsePostgresTextPlan(text);
  const out: string[] = [];
  if (ours.length !== theirs.length) out.push(`${ours.length} nodes, the text plan has ${theirs.length}`);
  theirs.forEach((line, i) => {
    const node = ours[i];
    if (!node) return;
    const at = `node ${i} (${line.label})`;
    if (node.label !== line.label) out.push(`${at}: label ${JSON.stringify(node.label)}`);
    if (node.subplan !== line.subplan) out.push(`${at}: subplan ${JSON.stringify(node.subplan)} vs ${JSON.stringify(line.subplan)}`);
    if (node.cost?.toFixed(2) !== line.cost.toFixed(2) || node.startupCost?.toFixed(2) !== line.startupCost.toFixed(2)) {
      out.push(`${at}: cost ${node.startupCost}..${node.cost} vs ${line.startupCost}..${line.cost}`);
    }
    if (node.estimatedRows !== line.rows) out.push(`${at}: rows ${node.estimatedRows} vs ${line.rows}`);
    if (node.neverExecuted !== line.neverExecuted) out.push(`${at}: never executed ${node.neverExecuted} vs ${line.neverExecuted}`);
    if (line.loops !== null && (node.loops !== line.loops || Number(node.actualRows?.toFixed(2)) !== line.actualRows)) {
      out.push(`${at}: actual rows=${node.actualRows} loops=${node.loops} vs rows=${line.actualRows} loops=${line.loops}`);
    }
    const carried = new Map([...node.details.map((d): [string, string] => [d.name, d.text]), ...node.counters.map((c): [string, string] => [c.name, number(c.value)])]);
    for (const [name, value] of line.lines) {
      if (CARRIED.has(name)) {
        if (carried.get(name) !== value && Number(carried.get(name)) !== Number(value)) out.push(`${at}: ${name} ${JSON.stringify(carried.get(name))} vs ${JSON.stringify(value)}`);
      } else if (!LEFT_OUT.test(name)) out.push(`${at}: the text plan has a line the toolbar neither carries nor leaves out on purpose: ${name}`);
    }
    for (const name of carried.keys()) if (!line.lines.has(name)) out.push(`${at}: ${name} is not in the text plan`);
  });
  return out;
}

/**
 * Every difference between the toolbar's nodes and MariaDB's tabular EXPLAIN (or ANALYZE) of the
 * same statement: each row's table (the alias), access type, key, ref, rows, filtered, r_rows,
 * r_filtered, and what its Extra says (a condition, a join buffer, a filesort, a message).
 *
 * @example
 * expect(mariadbMismatches(toPlanNodes(readMysqlJsonPlan(json)), rows)).toEqual([])
 */
export function mariadbMismatches(nodes: PlanNode[], rows: Record<string, unknown>[]): string[] {
  const ours = flatten(nodes);
  const out: string[] = [];
  const counter = (node: PlanNode, name: string) => node.counters.find((c) => c.name === name)?.value;
  const close = (a: number | undefined, b: unknown) => a !== undefined && Math.abs(a - Number(b)) < 0.01;
  for (const row of rows) {
    const extra = String(row.Extra ?? '');
    if (row.table === null) {
      if (!ours.some((node) => node.operation === extra)) out.push(`no node for the message ${JSON.stringify(extra)}`);
      continue;
    }
    const node = ours.find((n) => n.relation === row.table);
    const at = `table ${String(row.table)}`;
    if (!node) { out.push(`${at}: no node`); continue; }
    const detail = (name: string) => node.details.find((d) => d.name === name)?.text ?? null;
    if (detail('type') !== row.type) out.push(`${at}: type ${detail('type')} vs ${String(row.type)}`);
    if ((node.index ?? null) !== (row.key ?? null)) out.push(`${at}: key ${node.index} vs ${String(row.key)}`);
    if (row.ref !== null && row.ref !== undefined && detail('ref') !== row.ref) out.push(`${at}: ref ${detail('ref')} vs ${String(row.ref)}`);
    if (!close(counter(node, 'rows'), row.rows)) out.push(`${at}: rows ${counter(node, 'rows')} vs ${String(row.rows)}`);
    for (const name of ['filtered', 'r_filtered']) {
      if (row[name] !== undefined && row[name] !== null && !close(counter(node, name), row[name])) out.push(`${at}: ${name} ${counter(node, name)} vs ${String(row[name])}`);
    }
    if (row.r_rows !== undefined && row.r_rows !== null) {
      // A filesort's table: the r_rows the tabular form shows are the rows read back from the sorted file.
      const sort = /Using filesort/.test(extra) ? ours.find((n) => n.operation === 'Sort' && flatten(n.children).includes(node)) : undefined;
      const value = sort ? counter(sort, 'r_rows') : counter(node, 'r_rows');
      if (!close(value, row.r_rows)) out.push(`${at}: r_rows ${value} vs ${String(row.r_rows)}`);
    }
    if (/Using where/.test(extra) !== (detail('attached_condition') !== null)) out.push(`${at}: Using where but no attached_condition, or the reverse`);
    const buffer = /Using join buffer \((.*)\)/.exec(extra)?.[1] ?? null;
    if (buffer !== detail('join buffer')) out.push(`${at}: join buffer ${detail('join buffer')} vs ${buffer}`);
    if (/Using filesort/.test(extra) && !ours.some((n) => n.operation === 'Sort')) out.push(`${at}: Using filesort but no Sort node`);
  }
  return out;
}
