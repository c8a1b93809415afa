import type { CatalogIndex, TableCatalog } from './catalog.js';
import type { IndexNeed } from './index-needs.js';

/** An index lookup that finds this many rows or fewer needs no more columns: the rest is read cheaply. */
export const FEW_ROWS = 10;
/** An index that finds more than this share of the table would not be used: a full scan reads it faster. */
export const UNSELECTIVE_SHARE = 0.2;

/** An index the suggestions propose: columns in order, and the needs (scans, sorts) it serves. */
export interface DesignedIndex {
  table: string;
  schema: string | null;
  catalog: TableCatalog | null;
  /** Equality columns first (as nested sets, so that one index serves several needs), then range or sort columns. */
  columns: string[];
  desc: boolean[];
  /** The equality column sets of the needs served, smallest first: each must lead the index. */
  chain: string[][];
  tail: { column: string; desc: boolean }[];
  needs: IndexNeed[];
  /** Whether the equality columns were ordered by the database's statistics or, lacking them, as the query wrote them. */
  orderedBy: 'statistics' | 'query';
  /** Equality columns left out because the ones before already find few rows. */
  dropped: string[];
  /** An existing index this one starts with the columns of: it becomes redundant once this exists. */
  extends: CatalogIndex | null;
}

/** A need an existing index already serves, and which. */
export interface CoveredNeed {
  need: IndexNeed;
  by: CatalogIndex;
}

/** A need whose columns find too large a share of the table for any index to be used. */
export interface UnselectiveNeed {
  need: IndexNeed;
  /** The share of the table a lookup finds, 0–1. */
  share: number;
}


const rowsPer = (table: TableCatalog | null, column: string): number | null => {
  const distinct = table?.distinct[column];
  if (!table || table.rows === null || distinct === undefined || distinct <= 0) return null;
  return Math.max(1, table.rows / distinct);
};

/** Rows a lookup on all of `columns` finds, assuming independent columns (the planner's own assumption); null if unknown. */
export function rowsVia(table: TableCatalog | null, columns: string[]): number | null {
  if (!table || table.rows === null) return null;
  let rows = table.rows;
  for (const column of columns) {
    const per = rowsPer(table, column);
    if (per === null) return null;
    rows *= per / table.rows;
  }
  return Math.max(1, rows);
}

/** B-tree indexes whose key columns are all plain columns, as the catalog lists them. */
function plainIndexes(table: TableCatalog | null): (CatalogIndex & { columns: string[] })[] {
  return (table?.indexes ?? []).filter((index): index is CatalogIndex & { columns: string[] } =>
    index.method === 'btree' && !index.partial && index.columns.every((c) => c !== null));
}

/**
 * Orders a need's equality columns most selective first (most distinct values), by the statistics
 * the database keeps, and stops once the columns so far find {@link FEW_ROWS} rows or fewer (a
 * uuid alone finds one: adding the user id to it only widens the index). A column known to find
 * more than {@link UNSELECTIVE_SHARE} of the table (a boolean) goes after those without statistics,
 * which keep the query's order.
 */
function orderEquality(need: IndexNeed): { equal: string[]; dropped: string[]; orderedBy: DesignedIndex['orderedBy'] } {
  const table = need.catalog;
  const distinct = (c: string) => table?.distinct[c];
  const known = need.equal.filter((c) => distinct(c) !== undefined).sort((a, b) => (distinct(b) ?? 0) - (distinct(a) ?? 0));
  const poor = (c: string) => 1 / (distinct(c) ?? 1) > UNSELECTIVE_SHARE;
  const unknown = need.equal.filter((c) => distinct(c) === undefined);
  const ordered = [...known.filter((c) => !poor(c)), ...unknown, ...known.filter(poor)];
  const kept: string[] = [];
  for (const column of ordered) {
    const found = rowsVia(table, kept);
    if (kept.length > 0 && found !== null && found <= FEW_ROWS) break;
    kept.push(column);
  }
  return { equal: kept, dropped: ordered.slice(kept.length), orderedBy: known.length > 0 ? 'statistics' : 'query' };
}

/** The index's leading columns that are all among `equal`. */
function equalityPrefix(columns: string[], equal: string[]): string[] {
  const prefix: string[] = [];
  for (const column of columns) {
    if (!equal.includes(column)) break;
    prefix.push(column);
  }
  return prefix;
}

/** Whether `columns` lead with the set `equal` (any order), then `tail` in order. */
function leads(columns: string[], equal: string[], tail: string[]): boolean {
  if (columns.length < equal.length + tail.length) return false;
  const head = new Set(columns.slice(0, equal.length));
  return equal.every((c) => head.has(c)) && tail.every((c, i) => columns[equal.length + i] === c);
}

/**
 * The index a need calls for, or the existing index that already serves it: one that leads with
 * its columns, or whose leading equality columns already find few rows. When an existing index
 * leads with some of the equality columns, the new one starts with them too (and the old one
 * becomes redundant) unless the other columns alone find few rows, in which case they are
 * indexed alone.
 *
 * @example
 * designIndex({ table: 'posts', equal: ['user_id', 'uuid'], catalog, … })
 * // { index: { columns: ['uuid'], dropped: ['user_id'], orderedBy: 'statistics', … } }
 */
export function designIndex(need: IndexNeed): { index: DesignedIndex } | { covered: CoveredNeed } | { unselective: UnselectiveNeed } {
  const table = need.catalog;
  const ordered = orderEquality(need);
  let { equal, dropped } = ordered;
  const { orderedBy } = ordered;
  const tail = need.sort.length > 0 ? need.sort : need.range ? [{ column: need.range, desc: false }] : [];
  // Few rows after the equalities: a range or sort on so few rows costs nothing.
  const few = equal.length > 0 && (rowsVia(table, equal) ?? Infinity) <= FEW_ROWS;
  const tailKept = few ? [] : tail;
  const existing = plainIndexes(table);
  const tailColumns = tailKept.map((t) => t.column);
  for (const index of existing) {
    if (leads(index.columns, equal, tailColumns)) return { covered: { need, by: index } };
    const prefix = equalityPrefix(index.columns, equal);
    if (prefix.length > 0 && tailKept.length === 0 && (rowsVia(table, prefix) ?? Infinity) <= FEW_ROWS) return { covered: { need, by: index } };
  }
  if (need.why === 'filter' && tailKept.length === 0 && table?.rows) {
    // The plan's own count of what the scan keeps, unless the scan is looked up per outer row (then per lookup, from the statistics).
    const found = equal.length > 0 ? rowsVia(table, equal) : null;
    const share = need.joined.length === 0 && need.keptKnown && need.kept !== null && need.rows ? need.kept / need.rows
      : found !== null ? found / table.rows : null;
    if (share !== null && share > UNSELECTIVE_SHARE) return { unselective: { need, share } };
  }
  let extended: CatalogIndex | null = null;
  for (const index of existing) {
    const prefix = equalityPrefix(index.columns, equal);
    if (prefix.length === 0 || (prefix.length === equal.length && tailKept.length === 0)) continue;
    const rest = equal.filter((c) => !prefix.includes(c));
    const viaRest = rest.length > 0 ? rowsVia(table, rest) : null;
    if (rest.length > 0 && viaRest !== null && viaRest <= FEW_ROWS) {
      // The other columns find few rows on their own: index them alone; the existing index's columns add nothing.
      dropped = [...dropped, ...prefix];
      equal = rest;
    } else if (rest.length > 0 && viaRest === null) {
      // No statistics on the other columns: they lead, since the existing index already serves lookups by its own.
      equal = [...rest, ...prefix];
    } else {
      // Start with the existing index's columns, so the new index serves everything it did.
      equal = [...prefix, ...rest];
      extended = index;
    }
    break;
  }
  const mixed = new Set(tailKept.map((t) => t.desc)).size > 1;
  return {
    index: {
      table: need.table, schema: need.schema, catalog: table, columns: [...equal, ...tailKept.map((t) => t.column)],
      desc: [...equal.map(() => false), ...tailKept.map((t) => mixed && t.desc)], chain: [equal], tail: tailKept, needs: [need],
      orderedBy, dropped, extends: extended,
    },
  };
}

const isSubset = (a: string[], b: string[]) => a.every((c) => b.includes(c));

/** Whether `small` can join `big`: its equality set nests with every set `big` serves, and the tails agree. */
function absorbs(big: DesignedIndex, small: DesignedIndex): boolean {
  if (big.table !== small.table || big.schema !== small.schema || big.extends !== null || small.extends !== null) return false;
  const [set] = small.chain;
  if (!big.chain.every((other) => isSubset(set, other) || isSubset(other, set))) return false;
  const largest = big.chain[big.chain.length - 1];
  if (small.tail.length === 0) return isSubset(set, largest) || big.tail.length === 0;
  // A tail reads rows in order after all of the equalities: only the need with the largest set may have one.
  return set.length >= largest.length && isSubset(largest, set) && (big.tail.length === 0
    || small.tail.every((t, i) => big.tail[i]?.column === t.column && big.tail[i]?.desc === t.desc) || big.tail.every((t, i) => small.tail[i]?.column === t.column));
}

function merge(big: DesignedIndex, small: DesignedIndex): DesignedIndex {
  const chain = [...big.chain, small.chain[0]].filter((set, i, all) => all.findIndex((other) => other.length === set.length && isSubset(set, other)) === i)
    .sort((a, b) => a.length - b.length);
  // Each set's new columns, in the order the statistics put them in the need that brought them.
  const known = [...big.columns, ...small.columns];
  const equal: string[] = [];
  for (const set of chain) for (const column of known) if (set.includes(column) && !equal.includes(column)) equal.push(column);
  const tail = (small.tail.length > big.tail.length ? small.tail : big.tail).filter((t) => !equal.includes(t.column));
  const mixed = new Set(tail.map((t) => t.desc)).size > 1;
  return {
    ...big, chain, tail, columns: [...equal, ...tail.map((t) => t.column)], desc: [...equal.map(() => false), ...tail.map((t) => mixed && t.desc)],
    needs: [...big.needs, ...small.needs], dropped: [...new Set([...big.dropped, ...small.dropped])].filter((c) => !equal.includes(c)),
    orderedBy: big.orderedBy === 'statistics' || small.orderedBy === 'statistics' ? 'statistics' : 'query',
  };
}

/**
 * The fewest indexes that serve all the needs on each table: equality columns in any order serve
 * an equality lookup, so `(uuid)` and `(uuid, user_id)` become one `(uuid, user_id)` and the
 * equality sets of several queries nest into one column order. Needs an existing index serves
 * come back apart, with that index.
 *
 * @example
 * planIndexes(needs) // { indexes: [{ table: 'posts', columns: ['author_id', 'status'], needs: [n1, n2] }], covered: [], unselective: [] }
 */
export function planIndexes(needs: IndexNeed[]): { indexes: DesignedIndex[]; covered: CoveredNeed[]; unselective: UnselectiveNeed[] } {
  const designed: DesignedIndex[] = [];
  const covered: CoveredNeed[] = [];
  const unselective: UnselectiveNeed[] = [];
  for (const need of needs) {
    const result = designIndex(need);
    if ('covered' in result) covered.push(result.covered);
    else if ('unselective' in result) unselective.push(result.unselective);
    else if (result.index.columns.length > 0) designed.push(result.index);
  }
  designed.sort((a, b) => b.columns.length - a.columns.length);
  const kept: DesignedIndex[] = [];
  for (const index of designed) {
    const into = kept.findIndex((other) => absorbs(other, index));
    if (into >= 0) kept[into] = merge(kept[into], index);
    else kept.push(index);
  }
  return { indexes: kept, covered, unselective };
}
