/*
 * The one SQL lexer: where strings, quoted names, comments, placeholders and operators start and
 * end, read the way each server reads them (scanner.ts has the rules). Shape reading
 * (sql-tokenize.ts), redaction (secret-tokens.ts), EXPLAIN (explain/sql-tokens.ts) and the UI's
 * highlighter (ui/panels/sql/tokenize.ts) are views of these tokens; fingerprint.ts reads the same
 * scan without a token object each. Pure TypeScript with no Node import: the UI bundle imports it.
 *
 * Each rule was checked against the servers themselves (PostgreSQL 15.20, MariaDB 10.11, SQLite 3.53):
 * test/panels/sql/lexer.test.ts has a row for each.
 */
import type { Dialect } from '../../types.js';
import { DEFAULT_LEX_SETTINGS, EXECUTABLE, LINE_COMMENT, scanSql, UNTERMINATED, type LexSettings, type LexTokenType } from './scanner.js';

export { DEFAULT_LEX_SETTINGS, scanSql, type LexSettings, type LexTokenType } from './scanner.js';

/** A token of SQL text: its kind and where it is. Whitespace is what lies between tokens. */
export interface LexToken {
  type: LexTokenType;
  start: number;
  end: number;
  /** A string, quoted name or block comment that runs to the end of the text without closing. */
  unterminated?: boolean;
  /** A MySQL `/*! … *\/` comment: the server runs what is inside. */
  executable?: boolean;
  /** A `--` or `#` comment: it ends at the end of its line. */
  line?: boolean;
}

/**
 * The tokens of `sql` as `dialect`'s server reads it (scanner.ts's scanSql has the rules), whitespace
 * left out.
 *
 * @example
 * lex("select ';' -- x", 'postgres').map((t) => t.type) // ['word', 'string', 'comment']
 */
export function lex(sql: string, dialect: Dialect, settings: LexSettings = DEFAULT_LEX_SETTINGS[dialect]): LexToken[] {
  const tokens: LexToken[] = [];
  scanSql(sql, dialect, settings, (type, start, end, flags) => {
    const token: LexToken = { type, start, end };
    if (flags & UNTERMINATED) token.unterminated = true;
    if (flags & EXECUTABLE) token.executable = true;
    if (flags & LINE_COMMENT) token.line = true;
    tokens.push(token);
  });
  return tokens;
}

/**
 * A quoted name without its quotes: `"a""b"` is `a"b`, `` `t` `` is `t`, `[x y]` is `x y`
 * (an unterminated one keeps what it has).
 *
 * @example
 * unquoteIdentifier('"User ""Name"""') // 'User "Name"'
 */
export function unquoteIdentifier(text: string): string {
  if (/^[Uu]&"/.test(text)) text = text.slice(2);
  const open = text[0];
  const close = open === '[' ? ']' : open;
  const inner = text.slice(1, text.endsWith(close) && text.length > 1 ? -1 : undefined);
  return open === '[' ? inner : inner.split(close + close).join(close);
}

/**
 * The name a word or quoted name stands for, by `dialect`'s rule: quoted names unquoted, case
 * kept; unquoted ones lower-cased in PostgreSQL, which folds them, as written in MySQL and SQLite
 * (which compare them without case). The shape readers and EXPLAIN's condition reader share it.
 *
 * @example
 * identifierName('UserId', 'word', 'postgres') // 'userid'
 * identifierName('UserId', 'word', 'mysql') // 'UserId'
 * identifierName('"UserId"', 'ident', 'postgres') // 'UserId'
 */
export function identifierName(text: string, type: 'word' | 'ident', dialect: Dialect): string {
  if (type === 'ident') return unquoteIdentifier(text);
  return dialect === 'postgres' ? text.toLowerCase() : text;
}
