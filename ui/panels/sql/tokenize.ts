/**
 * The SQL tokens the highlighter colours and the copy buttons read: the server's lexer
 * (server/panels/sql/lexer.ts, pure TypeScript the bundle imports), so a `?` or `$1` inside a
 * string, a quoted identifier or a comment is never mistaken for a placeholder, by the same rules
 * the server reads the query with.
 */
import type { Dialect } from '../../../server/types.js';
import { lex, type LexTokenType } from '../../../server/panels/sql/lexer.js';
import { SQL_KEYWORDS } from './keywords.js';

export type TokenType =
  | 'keyword'
  | 'identifier'
  | 'quoted-identifier'
  | 'string'
  | 'number'
  | 'comment'
  | 'param'
  | 'operator'
  | 'punctuation'
  | 'whitespace';

export interface Token {
  type: TokenType;
  text: string;
}

const TYPES: Record<LexTokenType, TokenType> = {
  word: 'identifier', ident: 'quoted-identifier', string: 'string', number: 'number', param: 'param', operator: 'operator',
  punct: 'punctuation', comment: 'comment',
};

/**
 * Splits SQL into tokens whose texts, joined, give back the input exactly.
 *
 * @example
 * tokenize("SELECT 'a?' FROM t WHERE id = ?", 'mysql').filter((t) => t.type === 'param')
 * // → [{ type: 'param', text: '?' }]
 */
export function tokenize(sql: string, dialect: Dialect): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (const t of lex(sql, dialect)) {
    if (t.start > at) tokens.push({ type: 'whitespace', text: sql.slice(at, t.start) });
    const text = sql.slice(t.start, t.end);
    tokens.push({ type: t.type === 'word' && SQL_KEYWORDS.has(text.toUpperCase()) ? 'keyword' : TYPES[t.type], text });
    at = t.end;
  }
  if (at < sql.length) tokens.push({ type: 'whitespace', text: sql.slice(at) });
  return tokens;
}
