import { details, readNode, type ReadNode } from './plan-node.js';

/** One row of `EXPLAIN QUERY PLAN`. */
export interface SqliteQueryPlanRow {
  id: number;
  parent: number;
  notused?: number;
  detail: string;
}

const unquote = (name: string) => name.replace(/^["`[](.*)["`\]]$/, '$1');

/** `SCAN t`, `SCAN TABLE t AS x` (before 3.36), `SEARCH t USING INDEX i (a=? AND b>?)`, `USE TEMP B-TREE FOR ORDER BY`. */
function readDetail(detail: string): ReadNode {
  const access = /^(SCAN|SEARCH)(?: TABLE)? ("[^"]+"|`[^`]+`|\[[^\]]+\]|\S+)(?: AS (\S+))?(?: USING (?:(COVERING |AUTOMATIC (?:COVERING |PARTIAL )*)?INDEX(?: ([^\s(]+))?|INTEGER PRIMARY KEY|PRIMARY KEY))?(?: \((.*)\))?/.exec(detail);
  if (!access || access[2] === 'CONSTANT' || access[2] === 'SUBQUERY') {
    return readNode({ operation: detail, sorts: /^USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY|LAST)/.test(detail) });
  }
  const [, verb, name, alias, kind, index] = access;
  const usesIndex = /USING/.test(detail);
  const automatic = kind?.startsWith('AUTOMATIC') ?? false;
  return readNode({
    operation: verb,
    // SQLite's own words are the whole line: `SEARCH a USING INTEGER PRIMARY KEY (rowid=?)`.
    label: detail,
    relation: unquote(alias ?? name),
    alias: alias ? unquote(alias) : null,
    index: usesIndex ? (automatic ? 'automatic index' : (index ? unquote(index) : 'primary key')) : null,
    details: details([['index condition', access[6]]]),
    // An automatic index is built from a full scan, every time the statement runs.
    fullScan: (verb === 'SCAN' && !usesIndex) || automatic,
  });
}

/**
 * Reads `EXPLAIN QUERY PLAN` rows into a tree (each row names its parent); each node's label is
 * the row's `detail`, verbatim. SQLite prints no row counts, costs or conditions of a SCAN: those
 * come from the SQL and `sqlite_stat1`. A statement that reads no table (`INSERT … VALUES`) has
 * no rows at all.
 *
 * @example
 * readSqlitePlan([{ id: 2, parent: 0, notused: 216, detail: 'SCAN posts' }])
 * // [{ operation: 'SCAN', relation: 'posts', fullScan: true, … }]
 */
export function readSqlitePlan(rows: readonly SqliteQueryPlanRow[]): ReadNode[] {
  const byId = new Map<number, ReadNode>();
  const roots: ReadNode[] = [];
  for (const row of rows) {
    const node = readDetail(String(row.detail));
    byId.set(Number(row.id), node);
    const parent = byId.get(Number(row.parent));
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
