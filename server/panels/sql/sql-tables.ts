/*
 * The tables a statement names, for sql-shape.ts: those of the FROM list and its JOINs with their
 * aliases (parenthesised join groups and derived tables included), and every table named anywhere,
 * subqueries included, so that aliases resolve.
 */
import { closeParen, findTopLevel, isIdentifier, readDotted, type Token } from './sql-tokenize.js';

/** A table of the FROM list or a JOIN, as written. */
export interface SqlTable {
  /** Unquoted, without its schema: `authors`. */
  table: string;
  /** As written, schema and quotes included: `"public"."authors"`. */
  tableSql: string;
  alias: string | null;
  kind: 'from' | 'join';
  /** A LEFT, RIGHT or FULL join: its rows may be missing, so a condition in its ON filters nothing out. */
  outer?: boolean;
}

/** Words that start a join. */
export const JOIN_WORDS = new Set(['join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'outer', 'lateral']);
/** Words that start a clause. */
export const CLAUSE_WORDS = new Set(['select', 'from', 'where', 'on', 'using', 'group', 'having', 'order', 'limit', 'offset', 'fetch', 'for',
  'set', 'values', 'returning', 'union', 'except', 'intersect', 'window']);
const TABLE_END = new Set([...CLAUSE_WORDS, ...JOIN_WORDS, 'as']);

/** `"public"."authors" AS "Author"` at `at`: the table and its alias. */
function tableAt(tokens: Token[], at: number, kind: SqlTable['kind']): SqlTable | null {
  const ref = readDotted(tokens, at);
  if (!ref || (tokens[at].kind === 'word' && (TABLE_END.has(tokens[at].value) || tokens[at].value === 'select'))) return null;
  const tableSql = tokens.slice(at, ref.next).map((t) => t.text).join('');
  let i = ref.next;
  if (tokens[i]?.value === 'as' && tokens[i].kind === 'word') i++;
  const aliasToken = tokens[i];
  const alias = isIdentifier(aliasToken) && !(aliasToken.kind === 'word' && (TABLE_END.has(aliasToken.value) || aliasToken.value === 'set'))
    ? aliasToken.name : null;
  return { table: ref.parts.at(-1)!, tableSql, alias, kind };
}

/**
 * A derived table at `at`: `(SELECT … FROM "Articles" AS "Article" … LIMIT 5) AS "Article"`, which
 * Sequelize writes for a findAll with a limit and includes, reads the inner query's table under
 * the outer alias: its rows are that table's.
 */
function derivedTableAt(tokens: Token[], at: number): SqlTable | null {
  if (tokens[at]?.text !== '(' || tokens[at + 1]?.value !== 'select') return null;
  const close = closeParen(tokens, at);
  if (close < 0) return null;
  const innerFrom = findTopLevel(tokens.slice(0, close), at + 2, new Set(['from']));
  const inner = innerFrom < close ? readFromTables(tokens.slice(0, close), innerFrom, close)[0] : undefined;
  if (!inner) return null;
  let i = close + 1;
  if (tokens[i]?.value === 'as' && tokens[i].kind === 'word') i++;
  const aliasToken = tokens[i];
  const alias = isIdentifier(aliasToken) && !(aliasToken.kind === 'word' && TABLE_END.has(aliasToken.value)) ? aliasToken.name : inner.alias;
  return { ...inner, alias, kind: 'from' };
}

/**
 * The tables after the keyword at `keyword` (FROM, INTO, UPDATE): the FROM list, its JOINs and
 * the tables of parenthesised join groups (Sequelize's `JOIN ( "a" INNER JOIN "b" ON … ) ON …`),
 * not those of subqueries.
 *
 * @example
 * readFromTables(tokenize('SELECT * FROM tags t JOIN article_tags at ON …', 'postgres'), 2, n) // [{ table: 'tags', alias: 't', kind: 'from' }, { table: 'article_tags', … }]
 */
export function readFromTables(tokens: Token[], keyword: number, end: number): SqlTable[] {
  const tables: SqlTable[] = [];
  const first = tableAt(tokens, keyword + 1, 'from') ?? derivedTableAt(tokens, keyword + 1);
  if (first) tables.push(first);
  let depth = 0;
  let inFrom = true;
  for (let i = keyword + 1; i < end; i++) {
    const t = tokens[i];
    if (t.text === '(') {
      if (tokens[i + 1]?.value === 'select' || tokens[i + 1]?.value === 'with') { i = Math.max(i, closeParen(tokens, i)); continue; }
      depth++;
      const before = tokens[i - 1];
      if (inFrom && (before?.text === ',' || before?.value === 'join' || i - 1 === keyword)) {
        const table = tableAt(tokens, i + 1, 'join');
        if (table) tables.push(table);
      }
      continue;
    }
    if (t.text === ')') { if (--depth < 0) break; continue; }
    if (t.kind !== 'word') {
      if (t.text === ',' && inFrom && depth === 0) { const table = tableAt(tokens, i + 1, 'from'); if (table) tables.push(table); }
      continue;
    }
    if (t.value === 'join') {
      inFrom = true;
      const lateral = tokens[i + 1]?.value === 'lateral' ? 1 : 0;
      const table = tableAt(tokens, i + 1 + lateral, 'join');
      const outer = [tokens[i - 1], tokens[i - 2]].some((w) => w?.kind === 'word' && ['left', 'right', 'full'].includes(w.value));
      if (table) tables.push(outer ? { ...table, outer } : table);
    } else if (t.value === 'on' || t.value === 'using') {
      inFrom = false;
    } else if (depth === 0 && CLAUSE_WORDS.has(t.value) && t.value !== 'on') {
      break;
    }
  }
  return tables;
}

/** Every `FROM`/`JOIN` table of the statement and its subqueries. */
export function everyTable(tokens: Token[]): SqlTable[] {
  const tables: SqlTable[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind === 'word' && (tokens[i].value === 'from' || tokens[i].value === 'update' || tokens[i].value === 'into')) {
      tables.push(...readFromTables(tokens, i, tokens.length));
    }
  }
  return tables;
}

