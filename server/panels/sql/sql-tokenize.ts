/*
 * The tokens the shape readers share (the lexer's, lexer.ts): identifiers without their quotes,
 * keywords lower-cased, placeholders with their params index. Not a parser: readers walk the tokens.
 */
import type { Dialect } from '../../types.js';
import { identifierName, lex, unquoteIdentifier, type LexToken } from './lexer.js';
import { bindings } from './placeholders.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** As written. */
  text: string;
  /** Identifiers without their quotes; keywords lower-cased; the same as `text` otherwise. */
  value: string;
  /**
   * For words and quoted names, the name it stands for (lexer.ts's identifierName): unquoted,
   * lower-cased in PostgreSQL, as written in MySQL and SQLite; the same as `value` otherwise.
   */
  name: string;
  start: number;
  end: number;
  /** For `param`: the 0-based position in the params array, when the placeholder says it. */
  paramIndex?: number;
}

/**
 * Splits SQL into tokens the way `dialect`'s server reads it (lexer.ts), comments left out.
 *
 * @example
 * tokenize('SELECT "Id" FROM t WHERE a = $2', 'postgres').map((t) => t.value) // ['select', 'Id', 'from', 't', 'where', 'a', '=', '$2']
 */
export function tokenize(sql: string, dialect: Dialect): Token[] {
  const lexed = lex(sql, dialect);
  const positions = new Map<LexToken, number>();
  for (const [t, binding] of bindings(sql, lexed)) if ('position' in binding) positions.set(t, binding.position);
  const tokens: Token[] = [];
  for (const t of lexed) {
    if (t.type === 'comment') continue;
    const text = sql.slice(t.start, t.end);
    const kind: TokenKind = t.type === 'ident' ? 'quoted' : t.type === 'operator' ? 'punct' : t.type;
    const value = kind === 'word' ? text.toLowerCase() : kind === 'quoted' ? unquoteIdentifier(text) : text;
    const name = kind === 'word' || kind === 'quoted' ? identifierName(text, kind === 'word' ? 'word' : 'ident', dialect) : value;
    const paramIndex = positions.get(t);
    tokens.push({ kind, text, value, name, start: t.start, end: t.end, ...(paramIndex === undefined ? {} : { paramIndex }) });
  }
  return tokens;
}

export const isIdentifier = (token: Token | undefined) => token !== undefined && (token.kind === 'quoted' || token.kind === 'word');

/** `a`, `"s"."t"`, `` `db`.`t` ``: the last part is the name, the one before it the qualifier (names as {@link Token.name}). */
export function readDotted(tokens: Token[], at: number): { parts: string[]; next: number } | null {
  if (!isIdentifier(tokens[at])) return null;
  const parts = [tokens[at].name];
  let i = at + 1;
  while (tokens[i]?.text === '.' && isIdentifier(tokens[i + 1])) {
    parts.push(tokens[i + 1].name);
    i += 2;
  }
  return { parts, next: i };
}

/** Index of the matching `)` for the `(` at `open`, or -1. */
export function closeParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level index of the first word in `words` at or after `from`, or `tokens.length`. */
export function findTopLevel(tokens: Token[], from: number, words: Set<string>): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && words.has(t.value)) return i;
  }
  return tokens.length;
}

