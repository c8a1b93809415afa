import type { Dialect } from '../../../types.js';
import { catalogColumn, catalogTable, type Catalog, type TableCatalog } from './catalog.js';
import { columnConditions, columnEqualities, type ColumnCondition, type ColumnEquality, type SqlClauses } from './conditions.js';
import { detail, walk, type ReadNode } from './plan-node.js';

/*
 * Which table a column a plan or statement tests belongs to: by its qualifier (an alias or the
 * table's name), or, bare, by where the plan prints it (PostgreSQL prints a scan's own columns
 * bare) or by the catalog (the only table of the statement that has such a column).
 */

export interface OwnerInput {
  dialect: Dialect;
  nodes: ReadNode[];
  clauses: SqlClauses;
  catalog?: Catalog;
}

export type ColumnRef = { qualifier: string | null; column: string };

/** The real table a node reads (plans of MySQL and SQLite name the alias). */
export function tableOfNode(node: ReadNode, input: Pick<OwnerInput, 'dialect' | 'clauses'>): string | null {
  if (!node.relation) return null;
  if (input.dialect === 'postgres') return node.relation;
  return input.clauses.tables.get(node.relation.toLowerCase()) ?? node.relation;
}

/** Lower-cased names that refer to `table` in the statement and plan: itself and its aliases. */
export function namesOf(table: string, node: ReadNode, input: Pick<OwnerInput, 'clauses'>): Set<string> {
  const names = new Set([table.toLowerCase()]);
  if (node.relation) names.add(node.relation.toLowerCase());
  if (node.alias) names.add(node.alias.toLowerCase());
  for (const [alias, name] of input.clauses.tables) if (name.toLowerCase() === table.toLowerCase()) names.add(alias);
  return names;
}

/** Tables of the statement (lower-cased) that have a column of this name, per the catalog; null when one of them is unknown. */
function ownersOf(column: string, input: OwnerInput): string[] | null {
  if (!input.catalog) return null;
  const tables = new Set([...input.clauses.tables.values()].map((name) => name.toLowerCase()));
  const owners: string[] = [];
  for (const name of tables) {
    const entry = catalogTable(input.catalog, name);
    if (!entry) return null;
    if (catalogColumn(entry, column, input.dialect)) owners.push(name);
  }
  return owners;
}

/** Whether a column reference is this table's. */
export function isMine(ref: ColumnRef, table: string, names: Set<string>, input: OwnerInput, bareIsMine: boolean): boolean {
  if (ref.qualifier !== null) return names.has(ref.qualifier.toLowerCase());
  if (bareIsMine) return true;
  const owners = ownersOf(ref.column, input);
  if (owners) return owners.length === 1 && owners[0] === table.toLowerCase();
  return new Set([...input.clauses.tables.values()].map((name) => name.toLowerCase())).size <= 1;
}

/** The column as the catalog spells it; as written when the table is not in the catalog; null when the table has no such column. */
export function resolveColumn(column: string, entry: TableCatalog | undefined, dialect: Dialect): string | null {
  return entry ? catalogColumn(entry, column, dialect) : column;
}

/** The relations read before `node` in the plan (its outer loops), by lower-cased table and alias names. */
function readBefore(node: ReadNode, input: OwnerInput): Set<string> {
  const names = new Set<string>();
  for (const [other] of walk(input.nodes)) {
    if (other === node) break;
    const table = tableOfNode(other, input);
    if (!table) continue;
    for (const name of namesOf(table, other, input)) names.add(name);
  }
  return names;
}

/** The Join Filter of the nested loop whose inner side is `node` (through a Materialize or Memoize). */
function nestedLoopFilter(node: ReadNode, parents: Map<ReadNode, ReadNode | null>): string | null {
  let child = node;
  let parent = parents.get(node) ?? null;
  while (parent && (parent.operation === 'Materialize' || parent.operation === 'Memoize')) {
    child = parent;
    parent = parents.get(parent) ?? null;
  }
  if (!parent || !parent.operation.startsWith('Nested Loop') || parent.children[1] !== child) return null;
  return detail(parent, 'Join Filter');
}

/** MySQL's `ref` of an index lookup: the index's first key parts, each equal to a constant or an outer column. */
function refColumns(node: ReadNode, entry: TableCatalog | undefined): ColumnCondition[] {
  const ref = detail(node, 'ref');
  const index = entry?.indexes.find((candidate) => candidate.name === node.index);
  if (!ref || !index) return [];
  return index.columns.slice(0, ref.split(',').length).filter((c): c is string => c !== null)
    .map((column) => ({ qualifier: null, column, kind: 'eq' as const }));
}

/** The condition texts a node prints about its own table. */
function conditionTexts(node: ReadNode, dialect: Dialect): string[] {
  const texts = dialect === 'postgres' ? [detail(node, 'Index Cond', 'Recheck Cond'), node.filter]
    : dialect === 'mysql' ? [node.filter, detail(node, 'index_condition'), detail(node, 'attached_condition (join buffer)')]
      : [detail(node, 'index condition')];
  return texts.filter((text): text is string => text !== null);
}

/**
 * The tests on the table a node reads: equalities and ranges with constants, and the columns an
 * outer table's rows are joined on (for the inner side of a nested loop, an index on those turns
 * the scan into a lookup). From the plan where it prints them; from the statement's WHERE and ON
 * where it does not (SQLite).
 *
 * @example
 * testsOf(seqScanOnPosts, 'posts', input, parents) // { tests: [{ column: 'author_id', kind: 'eq', … }], joined: [] }
 */
export function testsOf(node: ReadNode, table: string, input: OwnerInput, parents: Map<ReadNode, ReadNode | null>): { tests: ColumnCondition[]; joined: ColumnRef[] } {
  const names = namesOf(table, node, input);
  const outer = readBefore(node, input);
  const joined: ColumnRef[] = [];
  const addJoins = (equalities: ColumnEquality[], bareIsMine: boolean) => {
    for (const { left, right } of equalities) {
      for (const [mine, other] of [[left, right], [right, left]]) {
        if (isMine(mine, table, names, input, bareIsMine) && other.qualifier !== null && outer.has(other.qualifier.toLowerCase())) joined.push(mine);
      }
    }
  };
  // PostgreSQL prints a scan's own columns bare; MySQL qualifies every column; SQLite prints only what its index tests.
  const bareIsMine = input.dialect !== 'mysql';
  const texts = conditionTexts(node, input.dialect);
  const tests = texts.flatMap((text) => columnConditions(text, input.dialect)).filter((t) => isMine(t, table, names, input, bareIsMine));
  for (const text of texts) addJoins(columnEqualities(text, input.dialect), bareIsMine);
  if (input.dialect === 'mysql') tests.push(...refColumns(node, catalogTable(input.catalog, table)));
  if (input.dialect === 'sqlite') {
    addJoins(input.clauses.joins, false);
    tests.push(...[...input.clauses.where, ...input.clauses.on].filter((t) => isMine(t, table, names, input, false)));
  }
  const loopFilter = input.dialect === 'postgres' ? nestedLoopFilter(node, parents) : null;
  if (loopFilter) addJoins(columnEqualities(loopFilter, 'postgres'), false);
  return { tests, joined };
}
