import type { Dialect } from '../../../types.js';
import { tokenize, type Token } from '../sql-shape.js';

/*
 * Two more things an ORM fix reads from the repeated query's SQL, beyond sqlShape: which table an
 * alias stands for (Prisma's `"j0"`, TypeORM's `"Tag__Tag_articles"`, so the varying column is put
 * on the right model), and the ORDER BY / LIMIT a per-row lookup must keep (the latest comment of
 * each article is not every comment).
 */

const isName = (token: Token | undefined) => token !== undefined && (token.kind === 'word' || token.kind === 'quoted');
const NOT_ALIAS = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using', 'group',
  'order', 'limit', 'offset', 'having', 'union', 'for', 'returning', 'set', 'values', 'lateral']);

/**
 * Every table after FROM or JOIN, at any depth (subqueries included), by the name the rest of
 * the query uses for it: its alias, or its own name when it has none.
 *
 * @example
 * tableAliases('SELECT … FROM "tags" WHERE EXISTS(SELECT 1 FROM "_ArticleToTag" AS "t0" INNER JOIN "articles" AS "j0" ON …)', 'postgres')
 * // Map { 'tags' → 'tags', 't0' → '_ArticleToTag', 'j0' → 'articles' }
 */
export function tableAliases(sql: string, dialect: Dialect): Map<string, string> {
  const tokens = tokenize(sql, dialect);
  const aliases = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== 'word' || (tokens[i].value !== 'from' && tokens[i].value !== 'join')) continue;
    let j = i + 1;
    if (!isName(tokens[j]) || (tokens[j].kind === 'word' && NOT_ALIAS.has(tokens[j].value))) continue;
    let table = tokens[j].name;
    while (tokens[j + 1]?.text === '.' && isName(tokens[j + 2])) { j += 2; table = tokens[j].name; }
    j++;
    if (tokens[j]?.kind === 'word' && tokens[j].value === 'as') j++;
    const alias = isName(tokens[j]) && !(tokens[j].kind === 'word' && NOT_ALIAS.has(tokens[j].value)) ? tokens[j].name : null;
    aliases.set(table, table);
    if (alias) aliases.set(alias, table);
  }
  return aliases;
}

export interface OrderColumn {
  column: string;
  qualifier: string | null;
  direction: 'asc' | 'desc';
}

/** Index of the first top-level (depth 0) word `word` at or after `from`, or -1. */
function topLevel(tokens: Token[], from: number, word: string): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value === word) return i;
  }
  return -1;
}

function numberAt(token: Token | undefined, params: readonly unknown[]): number | null {
  if (!token) return null;
  const raw = token.kind === 'param' && token.paramIndex !== undefined ? params[token.paramIndex] : token.kind === 'number' ? token.text : null;
  const value = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'string' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * The top-level ORDER BY columns and LIMIT of a statement (LIMIT read from its param when bound,
 * as Prisma binds it: `LIMIT $2` with `"1"`). Expressions in ORDER BY end the list: only plain
 * columns are read.
 *
 * @example
 * orderAndLimit('SELECT * FROM comments WHERE article_id = $1 ORDER BY "comments"."created_at" DESC LIMIT $2', [7, '1'], 'postgres')
 * // { order: [{ column: 'created_at', qualifier: 'comments', direction: 'desc' }], limit: 1 }
 */
export function orderAndLimit(sql: string, params: readonly unknown[], dialect: Dialect): { order: OrderColumn[]; limit: number | null } {
  const tokens = tokenize(sql, dialect);
  const order: OrderColumn[] = [];
  const at = topLevel(tokens, 0, 'order');
  if (at >= 0 && tokens[at + 1]?.value === 'by') {
    let i = at + 2;
    while (isName(tokens[i])) {
      const parts = [tokens[i].name];
      while (tokens[i + 1]?.text === '.' && isName(tokens[i + 2])) { i += 2; parts.push(tokens[i].name); }
      i++;
      let direction: 'asc' | 'desc' = 'asc';
      if (tokens[i]?.kind === 'word' && (tokens[i].value === 'asc' || tokens[i].value === 'desc')) { direction = tokens[i].value as 'asc' | 'desc'; i++; }
      if (tokens[i]?.kind === 'word' && tokens[i].value === 'nulls') i += 2;
      order.push({ column: parts.at(-1)!, qualifier: parts.length > 1 ? parts.at(-2)! : null, direction });
      if (tokens[i]?.text !== ',') break;
      i++;
    }
  }
  const limitAt = topLevel(tokens, 0, 'limit');
  return { order, limit: limitAt >= 0 ? numberAt(tokens[limitAt + 1], params) : null };
}
