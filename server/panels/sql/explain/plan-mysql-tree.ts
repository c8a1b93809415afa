import { details, finishPlan, readNode, type ReadNode } from './plan-node.js';

const NUMBER = '[\\d.]+(?:e[+-]?\\d+)?';
const TREE_LINE = new RegExp(`^(\\s*)-> (.*?)(?:\\s+\\(cost=(${NUMBER})(?:\\.\\.(${NUMBER}))? rows=(${NUMBER})\\))?`
  + `(?:\\s+\\(actual time=(${NUMBER})\\.\\.(${NUMBER}) rows=(${NUMBER}) loops=(\\d+)\\)|\\s+\\((never executed)\\))?\\s*$`);
/** Nodes that read all their input before returning a row: a Limit above them does not stop their input. */
const BLOCKING = /^(Sort|Aggregate|Group aggregate|Materialize|Temporary table|Stream results|Window aggregate|Hash)\b/;

/** `Table scan on t`, `Index lookup on t using i (a=3)`, `Filter: (t.a = 3)`, `Sort: t.b DESC, limit …`. */
function readTreeLabel(label: string): Partial<ReadNode> & { operation: string } {
  const scan = /^(.*?) on (`[^`]+`|\S+)(?: using (`[^`]+`|\S+))?(?: (?:over )?\((.*)\))?/.exec(label);
  if (scan && !label.includes(': ')) {
    const operation = scan[1];
    return {
      operation, relation: scan[2].replace(/`/g, ''), index: scan[3]?.replace(/`/g, '') ?? null,
      details: details([['condition', scan[4]]]), fullScan: operation === 'Table scan',
    };
  }
  const colon = label.indexOf(': ');
  if (colon < 0) return { operation: label };
  const operation = label.slice(0, colon);
  const rest = label.slice(colon + 2);
  if (operation === 'Filter') return { operation, filter: rest, details: details([['Filter', rest]]) };
  if (operation === 'Sort' || operation === 'Sort row IDs') {
    return { operation, sorts: true, sortKey: rest.split(', ').filter((key) => !/^limit input/.test(key)) };
  }
  return { operation };
}

/**
 * Reads MySQL's `EXPLAIN ANALYZE` tree (text; MySQL has no JSON form of it before 8.3). Each
 * line's title is kept as its label; its time is `actual time` (per loop) × loops. A `Filter:`
 * line's condition is also given to the table scan under it, which is what it filters. Nodes
 * under a `Limit` may stop early, unless a sort or aggregate between reads all their input.
 *
 * @example
 * readMysqlTree('-> Filter: (t.a = 3)  (cost=1 rows=1)\n    -> Table scan on t  (cost=1 rows=10)')
 */
export function readMysqlTree(text: string): ReadNode[] {
  const roots: ReadNode[] = [];
  const stack: { indent: number; node: ReadNode; stops: boolean }[] = [];
  for (const line of text.split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const [, indent, label, startCost, totalCost, rows, , time, actualRows, loops, never] = match;
    const cost = totalCost ?? startCost;
    const fields = readTreeLabel(label);
    const loopCount = never ? 0 : loops !== undefined ? Number(loops) : null;
    const node = readNode({
      ...fields,
      label,
      cost: cost !== undefined ? Number(cost) : null,
      estimatedRows: rows !== undefined ? Number(rows) : null,
      actualRows: actualRows !== undefined ? Number(actualRows) : never ? 0 : null,
      loops: loopCount,
      neverExecuted: Boolean(never),
      timeMs: never ? 0 : time !== undefined ? Number(time) * (loopCount ?? 1) : null,
    });
    if (node.fullScan) node.scannedRows = node.actualRows ?? node.estimatedRows;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent.length) stack.pop();
    const parent = stack[stack.length - 1];
    node.mayStopEarly = parent !== undefined && (parent.node.operation.startsWith('Limit') || (parent.stops && !BLOCKING.test(parent.node.label)));
    if (parent) {
      parent.node.children.push(node);
      if (parent.node.operation === 'Filter' && node.fullScan && !node.filter) node.filter = parent.node.filter;
    } else roots.push(node);
    stack.push({ indent: indent.length, node, stops: node.mayStopEarly || node.operation.startsWith('Limit') });
  }
  return finishPlan(roots);
}
