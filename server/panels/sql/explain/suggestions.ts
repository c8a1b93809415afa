import type { Dialect, PlanSuggestion } from '../../../types.js';
import type { Catalog } from './catalog.js';
import { sqlClauses, type SqlClauses } from './conditions.js';
import { indexName, quoteIdent } from './identifiers.js';
import { planIndexes, rowsVia, type CoveredNeed, type DesignedIndex, type UnselectiveNeed } from './index-design.js';
import { indexNeeds, type IndexNeed } from './index-needs.js';
import type { ReadNode } from './plan-node.js';
import { statisticsAdvice } from './statistics-advice.js';

export { BIG_TABLE_ROWS } from './index-needs.js';
export { MISESTIMATE_FACTOR } from './statistics-advice.js';

export interface SuggestionInput {
  dialect: Dialect;
  /** MySQL and MariaDB share the dialect but not the statistics statement. */
  flavor?: 'mysql' | 'mariadb';
  nodes: ReadNode[];
  /** The statement explained: SQLite prints no scan conditions, and MySQL prints aliases. */
  sql: string;
  /** Table sizes learnt outside the plan (PostgreSQL: an EXPLAIN of the bare table; SQLite: sqlite_stat1). */
  tableRows?: Record<string, number>;
  /** The catalog of the tables the plan reads: existing indexes, statistics, columns. */
  catalog?: Catalog;
}

/** Suggestions, and what the toolbar noticed without suggesting anything. */
export interface Advice {
  suggestions: PlanSuggestion[];
  notes: string[];
  /** The indexes behind the index suggestions, in the same order. */
  indexes: DesignedIndex[];
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * `CREATE INDEX name ON table (columns)`, every name quoted as the dialect needs; the schema only
 * when the statement wrote one (the app's search path found the table otherwise).
 *
 * @example
 * createIndexSql({ table: 'Users', schema: null, columns: ['email'], desc: [false] }, 'postgres')
 * // 'CREATE INDEX users_email_idx ON "Users" (email);'
 */
export function createIndexSql(index: Pick<DesignedIndex, 'table' | 'schema' | 'columns' | 'desc'>, dialect: Dialect): string {
  const list = index.columns.map((column, i) => quoteIdent(column, dialect) + (index.desc[i] ? ' DESC' : '')).join(', ');
  const table = (index.schema ? `${quoteIdent(index.schema, dialect)}.` : '') + quoteIdent(index.table, dialect);
  return `CREATE INDEX ${quoteIdent(indexName(index.table, index.columns), dialect)} ON ${table} (${list});`;
}

function sizeNote(need: IndexNeed, dialect: Dialect): string {
  if (need.rows !== null) return `reads ~${count(need.rows)} rows`;
  return dialect === 'sqlite'
    ? 'reads the whole table (its size is unknown: there is no sqlite_stat1, run ANALYZE to let the toolbar check)'
    : 'reads the whole table';
}

function needReason(need: IndexNeed, dialect: Dialect): string {
  if (need.why === 'sort') {
    return `${need.node} sorts ${need.rows !== null ? `~${count(need.rows)}` : 'all the'} rows of ${need.table} to return the first few (LIMIT);`
      + ' an index in that order lets it read just those rows.';
  }
  const columns = [...need.equal, ...(need.range ? [need.range] : [])];
  if (need.via) {
    return `${need.node} reads ~${count(need.rows ?? 0)} rows through ${need.via} to keep ~${count(need.kept ?? 0)} filtering on ${columns.join(', ')};`
      + ' an index on the columns that find the rows lets the database go straight to them.';
  }
  return `${need.node} ${sizeNote(need, dialect)}${need.kept !== null && need.rows !== null ? ` to keep ~${count(need.kept)}` : ''}`
    + ` filtering on ${columns.join(', ')}; an index lets the database go straight to the matching rows.`;
}

/** Why the columns come in this order, from which statistics; which were left out and why. */
function orderReason(index: DesignedIndex): string {
  const table = index.catalog;
  const equal = index.columns.slice(0, index.columns.length - index.tail.length);
  const parts: string[] = [];
  const per = (c: string) => (table?.rows && table.distinct[c] ? table.rows / table.distinct[c] : null);
  if (equal.length > 1 || index.dropped.length > 0) {
    if (index.orderedBy === 'statistics' && table?.statsSource) {
      const described = equal.map((c) => {
        const rows = per(c);
        return rows === null ? `${c} (no statistics)` : `${c} (~${count(rows)} row${Math.round(rows) === 1 ? '' : 's'} per value)`;
      });
      parts.push(`Equality columns ordered by selectivity from ${table.statsSource}: ${described.join(', ')}.`);
    } else if (equal.length > 1) {
      parts.push(`The database keeps no statistics on ${equal.join(', ')} yet, so they keep the query's order (an equality lookup uses them in any order).`);
    }
  }
  const found = rowsVia(table, equal);
  if (index.dropped.length > 0 && found !== null) {
    parts.push(`${index.dropped.join(', ')} left out: ${equal.join(', ')} already ${equal.length > 1 ? 'find' : 'finds'} ~${count(found)} row${found < 1.5 ? '' : 's'} per lookup.`);
  }
  if (index.extends) {
    parts.push(`It starts with the columns of the existing ${index.extends.name} (${index.extends.columns.join(', ')}), which becomes redundant once this one exists.`);
  }
  if (index.needs.length > 1) parts.push(`One index for ${index.needs.length} needs of this ${index.table}: ${index.columns.join(', ')} serves each of them.`);
  return parts.join(' ');
}

/**
 * The suggestion for one designed index: its CREATE INDEX, the reason for each scan or sort it
 * serves, the column order and where it came from, and its table and columns for the what-if.
 *
 * @example
 * indexSuggestion(designed, 'postgres').code // 'CREATE INDEX posts_author_id_idx ON posts (author_id);'
 */
export function indexSuggestion(index: DesignedIndex, dialect: Dialect, clauses?: SqlClauses): PlanSuggestion {
  // The statement's own schema qualifier, if any, decides whether the DDL names the schema.
  const written = clauses?.schemas.get(index.table.toLowerCase()) ?? null;
  const sortOnly = index.needs.every((need) => need.why === 'sort');
  const keys = index.tail.map((t) => t.column);
  const reasons = [...new Set(index.needs.map((need) => needReason(need, dialect)))];
  return {
    kind: 'index',
    title: sortOnly && index.columns.length === keys.length ? `Index ${index.table} on the sort key ${keys.join(', ')}` : `Index ${index.table} on ${index.columns.join(', ')}`,
    code: createIndexSql({ ...index, schema: written }, dialect),
    reason: [reasons.join(' '), orderReason(index)].filter(Boolean).join(' '),
    index: { table: index.table, schema: index.schema, columns: index.columns, ...(index.desc.some(Boolean) ? { desc: index.desc } : {}) },
  };
}

function coveredNote(covered: CoveredNeed): string {
  const { need, by } = covered;
  const what = need.why === 'sort' ? `the order of ${need.sort.map((s) => s.column).join(', ')}` : `the test on ${[...need.equal, ...(need.range ? [need.range] : [])].join(', ')}`;
  return `${need.node}: the existing index ${by.name} (${by.columns.join(', ')}) already serves ${what}, so no new index is suggested.`;
}

function unselectiveNote({ need, share }: UnselectiveNeed): string {
  const columns = [...need.equal, ...(need.range ? [need.range] : [])];
  return `${need.node}: ${columns.join(', ')} ${columns.length > 1 ? 'find' : 'finds'} ~${Math.round(share * 100)}% of ${need.table}`
    + ' per lookup, so no index is suggested: the database reads that share faster with the full scan it does.';
}

/**
 * What the plan calls for: indexes for filtered full scans and for sorts under LIMIT (columns
 * resolved to their tables, existing indexes respected, ordered by the database's statistics,
 * merged per table), and statistics advice where statistics are the cause. Pure: reads the plan,
 * the statement, the catalog and known table sizes.
 *
 * @example
 * adviseFromPlan({ dialect: 'postgres', sql, nodes: readPostgresPlan(plan), catalog })
 * // { suggestions: [{ title: 'Index posts on author_id', code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);', … }], notes: [], … }
 */
export function adviseFromPlan(input: SuggestionInput): Advice {
  const clauses = sqlClauses(input.sql, input.dialect);
  const { indexes, covered, unselective } = planIndexes(indexNeeds({ ...input, clauses }));
  const statistics = statisticsAdvice({ ...input, clauses });
  const notes = [...covered.map(coveredNote), ...unselective.map(unselectiveNote), ...statistics.notes];
  if (input.catalog?.error && indexes.length > 0) {
    notes.push(`The toolbar could not read the catalog (${input.catalog.error}): existing indexes and statistics were not checked.`);
  }
  return { suggestions: [...indexes.map((index) => indexSuggestion(index, input.dialect, clauses)), ...statistics.suggestions], notes, indexes };
}

/** {@link adviseFromPlan}'s suggestions alone. */
export function suggestFromPlan(input: SuggestionInput): PlanSuggestion[] {
  return adviseFromPlan(input).suggestions;
}
