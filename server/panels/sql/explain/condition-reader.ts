import type { Dialect } from '../../../types.js';
import { identifierName } from '../lexer.js';
import { codeTokens, type Token } from './sql-tokens.js';

/** A column a condition tests, and whether an index can use the test as an equality or a range. */
export interface ColumnCondition {
  /** The table or alias in front of the column (`p` in `p.author_id`), if any. */
  qualifier: string | null;
  column: string;
  kind: 'eq' | 'range';
}

/** Two columns tested for equality: a join condition (`p.author_id = a.id`). */
export interface ColumnEquality {
  left: { qualifier: string | null; column: string };
  right: { qualifier: string | null; column: string };
}

/** An ORDER BY key that is a plain column. */
export interface SortColumn {
  qualifier: string | null;
  column: string;
  desc: boolean;
}

const VALUE_WORDS = new Set(['NULL', 'TRUE', 'FALSE', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'DEFAULT']);
const CAST_STOP = new Set(['AND', 'OR', 'NOT', 'IS', 'IN', 'LIKE', 'ILIKE', 'BETWEEN', 'ANY', 'ALL', 'ESCAPE', 'COLLATE']);
export const CLAUSE_END = new Set(['GROUP', 'ORDER', 'LIMIT', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'RETURNING',
  'OFFSET', 'FETCH', 'FOR']);
export const ALIAS_STOP = new Set(['WHERE', 'JOIN', 'ON', 'USING', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL',
  'GROUP', 'ORDER', 'LIMIT', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'SET', 'VALUES', 'RETURNING',
  'OFFSET', 'FETCH', 'FOR', 'STRAIGHT_JOIN', 'LATERAL', 'TABLESAMPLE', 'FORCE', 'IGNORE', 'INDEXED', 'NOT']);

export const isOpen = (t: Token | undefined) => t?.type === 'punct' && t.value === '(';
export const isClose = (t: Token | undefined) => t?.type === 'punct' && t.value === ')';
export const isWord = (t: Token | undefined, ...words: string[]) => t?.type === 'word' && words.includes(t.value);

/** Drops PostgreSQL casts (`::text`, `::timestamp without time zone`, `::integer[]`): they are noise here. */
export function dropCasts(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!(tokens[i].type === 'punct' && tokens[i].value === '::')) { out.push(tokens[i]); continue; }
    while ((tokens[i + 1]?.type === 'word' && !CAST_STOP.has(tokens[i + 1].value)) || tokens[i + 1]?.type === 'ident'
      || (tokens[i + 1]?.type === 'punct' && ['[', ']'].includes(tokens[i + 1].value))) i++;
  }
  return out;
}

/** `( … )` around the whole list, removed as many times as it wraps it. */
function unwrap(tokens: Token[]): Token[] {
  while (isOpen(tokens[0]) && isClose(tokens[tokens.length - 1])) {
    let depth = 0;
    let wrapsAll = true;
    for (let i = 0; i < tokens.length - 1; i++) {
      if (isOpen(tokens[i])) depth++;
      else if (isClose(tokens[i])) depth--;
      if (depth === 0) { wrapsAll = false; break; }
    }
    if (!wrapsAll) break;
    tokens = tokens.slice(1, -1);
  }
  return tokens;
}

/** Splits at depth-0 occurrences of `word` (or punctuation such as `,`); `BETWEEN a AND b` keeps its AND. */
export function splitTop(tokens: Token[], word: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  let between = false;
  for (const token of tokens) {
    if (isOpen(token)) depth++;
    else if (isClose(token)) depth--;
    if (depth === 0 && isWord(token, 'BETWEEN')) between = true;
    if (depth === 0 && token.value === word && (token.type === 'word' || token.type === 'punct')) {
      if (word === 'AND' && between) { between = false; parts[parts.length - 1].push(token); continue; }
      parts.push([]);
      continue;
    }
    parts[parts.length - 1].push(token);
  }
  return parts;
}

/** The name a word or quoted name stands for (lexer.ts's identifierName); null for anything else. */
export function nameOf(token: Token, source: string, dialect: Dialect): string | null {
  if (token.type === 'ident') return token.value;
  if (token.type !== 'word' || VALUE_WORDS.has(token.value)) return null;
  return identifierName(source.slice(token.start, token.end), 'word', dialect);
}

/** `col`, `t.col`, `db.t.col`, in any number of parentheses; null for anything else. */
function asColumn(tokens: Token[], source: string, dialect: Dialect): { qualifier: string | null; column: string } | null {
  tokens = unwrap(tokens);
  if (tokens.length === 0 || tokens.length > 5 || tokens.length % 2 === 0) return null;
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (i % 2 === 1) {
      if (!(tokens[i].type === 'punct' && tokens[i].value === '.')) return null;
      continue;
    }
    const name = nameOf(tokens[i], source, dialect);
    if (name === null) return null;
    names.push(name);
  }
  return { qualifier: names.length > 1 ? names[names.length - 2] : null, column: names[names.length - 1] };
}

const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);

export type Found = { test: ColumnCondition } | { equality: ColumnEquality };

function comparison(tokens: Token[], source: string, dialect: Dialect): Found | null {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (isOpen(token)) depth++;
    else if (isClose(token)) depth--;
    if (depth !== 0) continue;
    const isComparison = token.type === 'punct' && COMPARISONS.has(token.value);
    if (!isComparison && !isWord(token, 'IN', 'IS', 'BETWEEN', 'NOT', 'LIKE', 'ILIKE')) continue;
    const left = tokens.slice(0, i);
    let right = tokens.slice(i + 1);
    let kind: ColumnCondition['kind'] | null = null;
    if (token.value === '=' || token.value === 'IN' || (token.value === 'IS' && !isWord(right[0], 'NOT'))) kind = 'eq';
    else if (['<', '>', '<=', '>=', 'BETWEEN'].includes(token.value)) kind = 'range';
    if (kind === null) return null;
    if (isWord(right[0], 'ANY', 'ALL')) right = right.slice(1);
    const leftColumn = asColumn(left, source, dialect);
    const rightColumn = asColumn(right, source, dialect);
    // Column against column is a join condition: an index on one side serves a nested loop over the other.
    if (leftColumn && rightColumn) return token.value === '=' ? { equality: { left: leftColumn, right: rightColumn } } : null;
    if (leftColumn) return { test: { ...leftColumn, kind } };
    if (rightColumn && isComparison) return { test: { ...rightColumn, kind } };
    return null;
  }
  return null;
}

export function conditionsOf(tokens: Token[], source: string, dialect: Dialect): Found[] {
  tokens = unwrap(tokens);
  if (tokens.length === 0) return [];
  const conjuncts = splitTop(tokens, 'AND');
  if (conjuncts.length > 1) return conjuncts.flatMap((part) => conditionsOf(part, source, dialect));
  // A disjunction is satisfied by other rows than any one of its parts: no single index answers it.
  if (splitTop(tokens, 'OR').length > 1) return [];
  // MariaDB wraps outer-join conditions in trigcond(…): the test inside is what the index serves.
  if (tokens[0]?.type === 'word' && tokens[0].value === 'TRIGCOND' && isOpen(tokens[1])) return conditionsOf(tokens.slice(1), source, dialect);
  // A boolean column tested alone: PostgreSQL prints `pin = true` as `pin`, and `pin = false` as `(NOT pin)`.
  const bare = asColumn(isWord(tokens[0], 'NOT') ? tokens.slice(1) : tokens, source, dialect);
  if (bare) return [{ test: { ...bare, kind: 'eq' } }];
  const found = comparison(tokens, source, dialect);
  return found ? [found] : [];
}

export const testsOf = (found: Found[]) => found.flatMap((f) => ('test' in f ? [f.test] : []));
export const equalitiesOf = (found: Found[]) => found.flatMap((f) => ('equality' in f ? [f.equality] : []));

/**
 * The indexable column tests of a condition as the database printed it: PostgreSQL's
 * `((status)::text = 'x'::text)`, MySQL's `` (`db`.`t`.`a` = 3) ``, MariaDB's `t.col = 3 and …`.
 * Parts under an OR, column-to-column tests and expressions are left out.
 *
 * @example
 * columnConditions("(((status)::text = 'draft'::text) AND (created_at > 5))", 'postgres')
 * // [{ qualifier: null, column: 'status', kind: 'eq' }, { qualifier: null, column: 'created_at', kind: 'range' }]
 */
export function columnConditions(text: string, dialect: Dialect): ColumnCondition[] {
  return testsOf(conditionsOf(dropCasts(codeTokens(text, dialect)), text, dialect));
}

/**
 * The column-to-column equalities of a condition as the database printed it (a Join Filter, a
 * Hash Cond, MySQL's attached condition of a joined table), outside any OR.
 *
 * @example
 * columnEqualities('((p.author_id = a.id) AND (p.status = 1))', 'postgres')
 * // [{ left: { qualifier: 'p', column: 'author_id' }, right: { qualifier: 'a', column: 'id' } }]
 */
export function columnEqualities(text: string, dialect: Dialect): ColumnEquality[] {
  return equalitiesOf(conditionsOf(dropCasts(codeTokens(text, dialect)), text, dialect));
}

/**
 * Sort keys as a plan prints them (`created_at DESC`, `posts.created_at desc`); null when one is
 * an expression, which a plain index cannot give.
 */
export function sortColumns(keys: string[], dialect: Dialect): SortColumn[] | null {
  const columns: SortColumn[] = [];
  for (const key of keys) {
    let tokens = dropCasts(codeTokens(key, dialect));
    const nulls = tokens.findIndex((t) => isWord(t, 'NULLS', 'COLLATE'));
    if (nulls >= 0) tokens = tokens.slice(0, nulls);
    const desc = isWord(tokens[tokens.length - 1], 'DESC');
    if (isWord(tokens[tokens.length - 1], 'ASC', 'DESC')) tokens = tokens.slice(0, -1);
    const column = asColumn(tokens, key, dialect);
    if (!column) return null;
    columns.push({ ...column, desc });
  }
  return columns.length > 0 ? columns : null;
}
