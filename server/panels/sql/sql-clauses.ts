/*
 * The clause-level reading of a statement for sql-shape.ts: which clause every token sits in
 * (and whether inside a subquery), the tables of FROM and JOIN with their aliases, and what makes
 * a query per-row: ORDER BY, LIMIT/OFFSET, DISTINCT, GROUP BY, aggregates. A fix that batches a
 * per-row query must keep these, so they are read, never guessed.
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

/** One `ORDER BY` term that is a plain column. */
export interface SqlOrderItem {
  column: string;
  qualifier: string | null;
  columnSql: string;
  descending: boolean;
}

interface Span { start: number; end: number }
/** A column as written: `"author"."id"` is `{ qualifier: 'author', column: 'id' }`. */
export interface ColumnRef { qualifier: string | null; column: string }
type Bound = Span & { value: number | null; paramIndex: number | null };

export interface SqlClauses {
  /** The main statement's ORDER BY (span from `ORDER`), its terms when all are plain columns. */
  orderBy: (Span & { sql: string; items: SqlOrderItem[] | null }) | null;
  /** The main statement's LIMIT; `trailing` when nothing but OFFSET follows it. */
  limitClause: (Bound & { trailing: boolean }) | null;
  offset: Bound | null;
  distinct: boolean;
  groupBy: (Span & { sql: string }) | null;
  /** An aggregate (count, sum, …) in the main select list. */
  aggregate: boolean;
  /** WHERE or ON hold conditions besides `column = value`, `IN`, `= ANY` and `a = b` joins. */
  unreadConditions: boolean;
  /** The `a.x = b.y` conditions of the JOINs' ON clauses (outside subqueries): how the tables are joined. */
  joinEqualities: { left: ColumnRef; right: ColumnRef }[];
  /** Every table named anywhere in the statement, subqueries included: aliases resolve through these. */
  allTables: SqlTable[];
  /** The clause a token starting at `offset` sits in, and whether inside a subquery. */
  placeAt(offset: number): { clause: string; subquery: boolean } | null;
}

const JOIN_WORDS = new Set(['join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'outer', 'lateral']);
const CLAUSE_WORDS = new Set(['select', 'from', 'where', 'on', 'using', 'group', 'having', 'order', 'limit', 'offset', 'fetch', 'for',
  'set', 'values', 'returning', 'union', 'except', 'intersect', 'window']);
const TABLE_END = new Set([...CLAUSE_WORDS, ...JOIN_WORDS, 'as']);
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'array_agg', 'json_agg', 'jsonb_agg', 'string_agg', 'group_concat',
  'bool_and', 'bool_or', 'every', 'json_arrayagg', 'json_group_array']);

/** For each token: its clause at its own level, and its subquery depth. */
function placeTokens(tokens: Token[]): { clause: string[]; depth: number[] } {
  const clause: string[] = [];
  const depth: number[] = [];
  const stack: { clause: string; subquery: boolean }[] = [{ clause: '', subquery: false }];
  let subqueries = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const top = stack[stack.length - 1];
    if (t.text === '(') {
      const subquery = tokens[i + 1]?.value === 'select' || tokens[i + 1]?.value === 'with';
      clause.push(top.clause);
      depth.push(subqueries);
      stack.push({ clause: top.clause, subquery });
      if (subquery) subqueries++;
      continue;
    }
    if (t.text === ')' && stack.length > 1) {
      const popped = stack.pop()!;
      if (popped.subquery) subqueries--;
      clause.push(stack[stack.length - 1].clause);
      depth.push(subqueries);
      continue;
    }
    if (t.kind === 'word' && CLAUSE_WORDS.has(t.value)) top.clause = t.value;
    else if (t.kind === 'word' && JOIN_WORDS.has(t.value)) top.clause = 'from';
    clause.push(top.clause);
    depth.push(subqueries);
  }
  return { clause, depth };
}

/** `"public"."authors" AS "Author"` at `at`: the table and its alias. */
function tableAt(tokens: Token[], at: number, kind: SqlTable['kind']): SqlTable | null {
  const ref = readDotted(tokens, at);
  if (!ref || (tokens[at].kind === 'word' && (TABLE_END.has(tokens[at].value) || tokens[at].value === 'select'))) return null;
  const tableSql = tokens.slice(at, ref.next).map((t) => t.text).join('');
  let i = ref.next;
  if (tokens[i]?.value === 'as' && tokens[i].kind === 'word') i++;
  const aliasToken = tokens[i];
  const alias = isIdentifier(aliasToken) && !(aliasToken.kind === 'word' && (TABLE_END.has(aliasToken.value) || aliasToken.value === 'set'))
    ? aliasToken.value : null;
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
  const alias = isIdentifier(aliasToken) && !(aliasToken.kind === 'word' && TABLE_END.has(aliasToken.value)) ? aliasToken.value : inner.alias;
  return { ...inner, alias, kind: 'from' };
}

/**
 * The tables after the keyword at `keyword` (FROM, INTO, UPDATE): the FROM list, its JOINs and
 * the tables of parenthesised join groups (Sequelize's `JOIN ( "a" INNER JOIN "b" ON … ) ON …`),
 * not those of subqueries.
 *
 * @example
 * readFromTables(tokenize('SELECT * FROM tags t JOIN article_tags at ON …'), 2, n) // [{ table: 'tags', alias: 't', kind: 'from' }, { table: 'article_tags', … }]
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
function everyTable(tokens: Token[]): SqlTable[] {
  const tables: SqlTable[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind === 'word' && (tokens[i].value === 'from' || tokens[i].value === 'update' || tokens[i].value === 'into')) {
      tables.push(...readFromTables(tokens, i, tokens.length));
    }
  }
  return tables;
}

function boundAt(tokens: Token[], at: number): Bound | null {
  const t = tokens[at];
  if (!t) return null;
  if (t.kind === 'number') return { start: t.start, end: t.end, value: Number(t.text), paramIndex: null };
  if (t.kind === 'param') return { start: t.start, end: t.end, value: null, paramIndex: t.paramIndex ?? null };
  return null;
}

function readOrderItems(tokens: Token[], from: number, to: number, sql: string): SqlOrderItem[] | null {
  const items: SqlOrderItem[] = [];
  let i = from;
  while (i < to) {
    const ref = readDotted(tokens, i);
    if (!ref) return null;
    let j = ref.next;
    let descending = false;
    if (tokens[j]?.value === 'asc' || tokens[j]?.value === 'desc') { descending = tokens[j].value === 'desc'; j++; }
    if (tokens[j]?.value === 'nulls') j += 2;
    items.push({
      column: ref.parts.at(-1)!, qualifier: ref.parts.length > 1 ? ref.parts.at(-2)! : null,
      columnSql: sql.slice(tokens[i].start, tokens[ref.next - 1].end), descending,
    });
    if (j < to && tokens[j].text !== ',') return null;
    i = j + 1;
  }
  return items;
}

function hasTopLevelAnd(tokens: Token[], from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')') depth--;
    else if (depth === 0 && tokens[i].kind === 'word' && tokens[i].value === 'and') return true;
  }
  return false;
}

/** Whether each AND-ed condition between two positions is one a fix reads (or a column = column join). */
function conditionsRead(tokens: Token[], from: number, to: number): boolean {
  let depth = 0;
  let start = from;
  const readable = (a: number, b: number): boolean => {
    while (tokens[a]?.text === '(' && closeParen(tokens, a) === b - 1) { a++; b--; }
    if (a >= b) return true;
    // A parenthesised group of AND-ed conditions, `((a = 1) AND (b = 2))`. Only an AND outside any
    // further parentheses splits it: one inside `EXISTS(… AND …)` would split nothing and recurse forever.
    if (hasTopLevelAnd(tokens, a, b)) return conditionsRead(tokens, a, b);
    const ref = readDotted(tokens, a);
    if (!ref) return false;
    let j = ref.next;
    if (tokens[j]?.text === '::') j += 2;
    const op = tokens[j];
    if (op?.text === '=' && (tokens[j + 1]?.kind === 'param' || tokens[j + 1]?.kind === 'number' || tokens[j + 1]?.kind === 'string')) return j + 2 === b;
    if (op?.text === '=' && tokens[j + 1]?.value === 'any') return closeParen(tokens, j + 2) === b - 1;
    if (op?.text === '=' && readDotted(tokens, j + 1)?.next === b) return true;
    if (op?.value === 'in' && tokens[j + 1]?.text === '(' && tokens[j + 2]?.value !== 'select') return closeParen(tokens, j + 1) === b - 1;
    return false;
  };
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value === 'or') return false;
    else if (depth === 0 && t.kind === 'word' && t.value === 'and') {
      if (!readable(start, i)) return false;
      start = i + 1;
    }
  }
  return readable(start, to);
}

/**
 * The clauses of the statement starting at `start` whose FROM keyword is at `from`.
 *
 * @example
 * readClauses(sql, tokens, 0, fromIndex).orderBy?.items // [{ column: 'time', descending: true, … }]
 */
export function readClauses(sql: string, tokens: Token[], start: number, from: number): SqlClauses {
  const { clause, depth } = placeTokens(tokens);
  const topLevel: number[] = [];
  let parens = 0;
  for (let i = start; i < tokens.length; i++) {
    if (tokens[i].text === '(') parens++;
    else if (tokens[i].text === ')') parens--;
    else if (parens === 0) topLevel.push(i);
  }
  const at = (word: string, next?: string) => topLevel.find((i) => tokens[i].kind === 'word' && tokens[i].value === word
    && (next === undefined || tokens[i + 1]?.value === next));
  const clauseEnd = (after: number) => topLevel.find((i) => i > after && tokens[i].kind === 'word' && CLAUSE_WORDS.has(tokens[i].value))
    ?? last;
  const last = tokens.at(-1)?.text === ';' ? tokens.length - 1 : tokens.length;
  const spanOf = (a: number, b: number) => ({ start: tokens[a].start, end: tokens[b - 1].end, sql: sql.slice(tokens[a].start, tokens[b - 1].end) });

  const order = at('order', 'by');
  const orderEnd = order === undefined ? 0 : clauseEnd(order + 1);
  const group = at('group', 'by');
  const limitAt = at('limit');
  let limitClause: SqlClauses['limitClause'] = null;
  let offset: Bound | null = null;
  if (limitAt !== undefined) {
    const first = boundAt(tokens, limitAt + 1);
    // MySQL's `LIMIT offset, count`.
    if (first && tokens[limitAt + 2]?.text === ',') {
      offset = first;
      const count = boundAt(tokens, limitAt + 3);
      if (count) limitClause = { ...count, start: tokens[limitAt].start, trailing: limitAt + 4 >= last };
    } else if (first) {
      limitClause = { ...first, start: tokens[limitAt].start, trailing: limitAt + 2 >= last || tokens[limitAt + 2]?.value === 'offset' };
    }
  }
  const offsetAt = at('offset');
  if (offsetAt !== undefined) offset = boundAt(tokens, offsetAt + 1);

  const where = at('where');
  let unread = false;
  if (where !== undefined) unread = !conditionsRead(tokens, where + 1, clauseEnd(where));
  for (const i of topLevel.filter((k) => tokens[k].value === 'on' && clause[k] === 'on' && k > from)) {
    const end = topLevel.find((k) => k > i && tokens[k].kind === 'word' && (JOIN_WORDS.has(tokens[k].value) || CLAUSE_WORDS.has(tokens[k].value))) ?? last;
    if (!conditionsRead(tokens, i + 1, end)) unread = true;
  }

  const joinEqualities: SqlClauses['joinEqualities'] = [];
  for (let i = from; i < tokens.length; i++) {
    if (clause[i] !== 'on' || depth[i] > 0) continue;
    const left = readDotted(tokens, i);
    if (!left || tokens[left.next]?.text !== '=') continue;
    const right = readDotted(tokens, left.next + 1);
    if (!right || tokens[left.next + 1].kind === 'word' && CLAUSE_WORDS.has(tokens[left.next + 1].value)) continue;
    const ref = (parts: string[]): ColumnRef => ({ qualifier: parts.length > 1 ? parts.at(-2)! : null, column: parts.at(-1)! });
    joinEqualities.push({ left: ref(left.parts), right: ref(right.parts) });
    i = right.next - 1;
  }

  const selectList = topLevel.filter((i) => i > start && i < from);
  return {
    orderBy: order === undefined ? null : { ...spanOf(order, orderEnd), items: readOrderItems(tokens, order + 2, orderEnd, sql) },
    limitClause,
    offset,
    distinct: tokens[start + 1]?.value === 'distinct',
    groupBy: group === undefined ? null : spanOf(group, clauseEnd(group + 1)),
    aggregate: selectList.some((i) => tokens[i].kind === 'word' && AGGREGATES.has(tokens[i].value) && tokens[i + 1]?.text === '('
      && tokens[closeParen(tokens, i + 1) + 1]?.value !== 'over'),
    unreadConditions: unread,
    joinEqualities,
    allTables: everyTable(tokens),
    placeAt(offsetInSql) {
      const index = tokens.findIndex((t) => t.start === offsetInSql);
      return index < 0 ? null : { clause: clause[index], subquery: depth[index] > 0 };
    },
  };
}
