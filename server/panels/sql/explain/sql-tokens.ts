import type { Dialect } from '../../../types.js';
import { DEFAULT_LEX_SETTINGS, lex, unquoteIdentifier, type LexSettings } from '../lexer.js';

export { DEFAULT_LEX_SETTINGS, type LexSettings } from '../lexer.js';

/**
 * A token of SQL text as EXPLAIN, the condition readers and redaction read it (the lexer's,
 * lexer.ts, with the values they compare). Strings, quoted identifiers and comments are whole
 * tokens, so nothing inside them (a `;`, a `DELETE`) can be mistaken for code.
 */
export interface Token {
  /** Operators are `punct` here, like `( ) , ;`. */
  type: 'word' | 'ident' | 'string' | 'number' | 'param' | 'punct' | 'comment';
  /** Words upper-cased; quoted identifiers unquoted; everything else as written. */
  value: string;
  start: number;
  end: number;
  /** A MySQL `/*! … *\/` comment: the server runs what is inside. */
  executable?: boolean;
  /** A string, quoted name or block comment that runs to the end of the text without closing. */
  unterminated?: boolean;
}

/**
 * Splits SQL into tokens the way `dialect`'s server reads it (see lexer.ts), comments included.
 *
 * @example
 * tokenize("select ';' -- x", 'postgres').map((t) => t.type) // ['word', 'string', 'comment']
 */
export function tokenize(sql: string, dialect: Dialect, settings: LexSettings = DEFAULT_LEX_SETTINGS[dialect]): Token[] {
  return lex(sql, dialect, settings).map((t) => {
    const text = sql.slice(t.start, t.end);
    const type = t.type === 'operator' ? 'punct' : t.type;
    const value = t.type === 'word' ? text.toUpperCase() : t.type === 'ident' ? unquoteIdentifier(text) : text;
    const token: Token = { type, value, start: t.start, end: t.end };
    if (t.executable) token.executable = true;
    if (t.unterminated) token.unterminated = true;
    return token;
  });
}

/** Tokens that are code: comments dropped. */
export function codeTokens(sql: string, dialect: Dialect): Token[] {
  return tokenize(sql, dialect).filter((token) => token.type !== 'comment');
}
