/*
 * The clause-level reading of a statement for sql-shape.ts: which clause every token sits in
 * (and whether inside a subquery), and what makes a query per-row: ORDER BY, LIMIT/OFFSET,
 * DISTINCT, GROUP BY, aggregates. A fix that batches a per-row query must keep these, so they are
 * read, never guessed. The tables are sql-tables.ts's, the conditions sql-readable-conditions.ts's.
 */
import { closeParen, readDotted, type Token } from './sql-tokenize.js';
import { CLAUSE_WORDS, everyTable, JOIN_WORDS, type SqlTable } from './sql-tables.js';
import { conditionsRead } from './sql-readable-conditions.js';

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
