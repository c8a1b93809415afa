import type { Dialect } from '../../../types.js';
import { codeTokens, type Token } from './sql-tokens.js';
import {
  ALIAS_STOP, CLAUSE_END, conditionsOf, dropCasts, equalitiesOf, isClose, isOpen, isWord, nameOf, sortColumns, splitTop, testsOf,
  type ColumnCondition, type ColumnEquality, type SortColumn,
} from './condition-reader.js';

/** What the suggestions need from the statement itself. */
export interface SqlClauses {
  /** Indexable tests of the top-level WHERE (SQLite prints no conditions for a SCAN). */
  where: ColumnCondition[];
  /** Indexable tests of the top-level JOIN … ON clauses: they restrict the joined table's rows too. */
  on: ColumnCondition[];
  /** Column-to-column equalities of the top-level WHERE and ON clauses: what a nested loop joins on. */
  joins: ColumnEquality[];
  /** The top-level ORDER BY when every key is a plain column; null otherwise. */
  orderBy: SortColumn[] | null;
  limit: boolean;
  /** Table by lower-cased alias or name, as written in FROM and JOIN. */
  tables: Map<string, string>;
  /** The schema written before a table (`billing.invoices`), by the table's lower-cased name. */
  schemas: Map<string, string>;
}

/** Table references after FROM and JOIN, at any depth: `posts`, `public.posts p`, `posts AS p`. */
function tablesOf(tokens: Token[], source: string, dialect: Dialect): Pick<SqlClauses, 'tables' | 'schemas'> {
  const tables = new Map<string, string>();
  const schemas = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'FROM', 'JOIN') && !(tokens[i].value === ',' && tables.size > 0)) continue;
    let j = i + 1;
    const parts: string[] = [];
    while (j < tokens.length) {
      const name = nameOf(tokens[j], source, dialect);
      if (name === null || (tokens[j].type === 'word' && ALIAS_STOP.has(tokens[j].value))) break;
      parts.push(name);
      if (tokens[j + 1]?.value !== '.') break;
      j += 2;
    }
    if (parts.length === 0) continue;
    const table = parts[parts.length - 1];
    tables.set(table.toLowerCase(), table);
    if (parts.length > 1) schemas.set(table.toLowerCase(), parts[parts.length - 2]);
    let k = j + 1;
    if (isWord(tokens[k], 'AS')) k++;
    const alias = tokens[k] && !(tokens[k].type === 'word' && ALIAS_STOP.has(tokens[k].value)) ? nameOf(tokens[k], source, dialect) : null;
    if (alias && !isOpen(tokens[k + 1])) tables.set(alias.toLowerCase(), table);
  }
  return { tables, schemas };
}

/** Where a clause body that starts at `start` ends: a clause keyword, a closing parenthesis or `;` at its depth. */
function clauseEnd(tokens: Token[], start: number, stop: Set<string>): number {
  let end = start;
  for (let inner = 0; end < tokens.length; end++) {
    if (isOpen(tokens[end])) inner++;
    else if (isClose(tokens[end])) inner--;
    if (inner < 0 || (inner === 0 && tokens[end].type === 'word' && stop.has(tokens[end].value))) break;
    if (inner === 0 && tokens[end].value === ';') break;
  }
  return end;
}

const ON_END = new Set([...CLAUSE_END, 'WHERE', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'NATURAL', 'STRAIGHT_JOIN']);

/**
 * The parts of a statement the suggestions read when the plan does not say: the top-level WHERE
 * and JOIN … ON tests (SQLite), the joins' column equalities, ORDER BY and LIMIT, and which table
 * each alias names (MySQL and SQLite plans print aliases).
 *
 * @example
 * sqlClauses('SELECT * FROM posts p WHERE p.author_id = ? ORDER BY p.created_at DESC LIMIT 10', 'sqlite')
 * // { where: [{ qualifier: 'p', column: 'author_id', kind: 'eq' }], orderBy: [{ …, column: 'created_at', desc: true }], limit: true, … }
 */
export function sqlClauses(sql: string, dialect: Dialect): SqlClauses {
  const tokens = dropCasts(codeTokens(sql, dialect));
  const clauses: SqlClauses = { where: [], on: [], joins: [], orderBy: null, limit: false, ...tablesOf(tokens, sql, dialect) };
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (isOpen(token)) depth++;
    else if (isClose(token)) depth--;
    if (depth !== 0 || token.type !== 'word') continue;
    if (token.value === 'LIMIT' || (token.value === 'FETCH' && isWord(tokens[i + 1], 'FIRST', 'NEXT'))) clauses.limit = true;
    const isOrderBy = token.value === 'ORDER' && isWord(tokens[i + 1], 'BY');
    if (token.value !== 'WHERE' && token.value !== 'ON' && !isOrderBy) continue;
    const start = i + (isOrderBy ? 2 : 1);
    const end = clauseEnd(tokens, start, token.value === 'ON' ? ON_END : CLAUSE_END);
    const body = tokens.slice(start, end);
    if (isOrderBy) {
      const keys = splitTop(body, ',').map((part) => source(sql, part));
      clauses.orderBy = keys.some((key) => key === '') ? null : sortColumns(keys, dialect);
    } else {
      const found = conditionsOf(body, sql, dialect);
      clauses[token.value === 'ON' ? 'on' : 'where'].push(...testsOf(found));
      clauses.joins.push(...equalitiesOf(found));
    }
    i = end - 1;
  }
  return clauses;
}

function source(sql: string, tokens: Token[]): string {
  return tokens.length === 0 ? '' : sql.slice(tokens[0].start, tokens[tokens.length - 1].end);
}

export {
  columnConditions, columnEqualities, sortColumns, type ColumnCondition, type ColumnEquality, type SortColumn,
} from './condition-reader.js';
