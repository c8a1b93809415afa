import type { Dialect } from '../../../types.js';

/**
 * A token of SQL text. Strings, quoted identifiers and comments are whole tokens, so nothing
 * inside them (a `;`, a `DELETE`) can be mistaken for code.
 */
export interface Token {
  type: 'word' | 'ident' | 'string' | 'number' | 'param' | 'punct' | 'comment';
  /** Words upper-cased; quoted identifiers unquoted; strings and comments as written. */
  value: string;
  start: number;
  end: number;
  /** A MySQL `/*! … *\/` comment: the server runs what is inside. */
  executable?: boolean;
  /** A string, quoted name or block comment that runs to the end of the text without closing. */
  unterminated?: boolean;
}

const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Index just past a quoted token at `start` whose quote doubles to escape itself. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') { i += 2; continue; }
    if (c === quote) {
      if (sql[i + 1] === quote) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  // Unterminated: swallow the rest; checkStatement refuses it (see UNTERMINATED).
  return UNTERMINATED;
}

/** What the skip functions return for a token that never closes: past the end of any text. */
const UNTERMINATED = Number.MAX_SAFE_INTEGER;

/** PostgreSQL block comments nest; the others end at the first `*\/`. */
function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') { depth++; i += 2; continue; }
    if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0 || !nested) return i;
      continue;
    }
    i++;
  }
  return UNTERMINATED;
}

function unquote(text: string): string {
  const open = text[0];
  const close = open === '[' ? ']' : open;
  const inner = text.slice(1, text.endsWith(close) && text.length > 1 ? -1 : undefined);
  return open === '[' ? inner : inner.split(close + close).join(close);
}

/**
 * Session settings that change where a token ends. EXPLAIN reads them off its own connection
 * before it reads the statement (explain/run.ts), so the text is read as that server reads it.
 */
export interface LexSettings {
  /** PostgreSQL with `standard_conforming_strings = off`, MySQL without `NO_BACKSLASH_ESCAPES`. */
  backslashEscapes: boolean;
  /** MySQL's `ANSI_QUOTES`: `"…"` is an identifier (no backslash escapes) instead of a string. */
  ansiQuotes: boolean;
}

/** How each server reads a text by default. */
export const DEFAULT_LEX_SETTINGS: Record<Dialect, LexSettings> = {
  postgres: { backslashEscapes: false, ansiQuotes: true },
  mysql: { backslashEscapes: true, ansiQuotes: false },
  sqlite: { backslashEscapes: false, ansiQuotes: true },
};

/**
 * Where a `--` or `#` comment ends. PostgreSQL's scanner ends it at `\r` as well as `\n`
 * (`non_newline [^\n\r]` in scan.l); MySQL and SQLite read on to `\n`.
 */
function lineCommentEnd(sql: string, from: number, dialect: Dialect): number {
  let i = from;
  while (i < sql.length && sql[i] !== '\n' && !(dialect === 'postgres' && sql[i] === '\r')) i++;
  return i;
}

/**
 * Splits SQL into tokens the way `dialect`'s server reads it: PostgreSQL `E''` and `$tag$`
 * strings, nested comments and line comments ending at `\r` or `\n`; MySQL backslash escapes,
 * backtick identifiers, `#` comments and `-- ` (with a space); SQLite `[bracketed]` identifiers.
 *
 * @example
 * tokenize("select ';' -- x", 'postgres').map((t) => t.type) // ['word', 'string', 'comment']
 */
export function tokenize(sql: string, dialect: Dialect, settings: LexSettings = DEFAULT_LEX_SETTINGS[dialect]): Token[] {
  const tokens: Token[] = [];
  const push = (type: Token['type'], start: number, end: number, value = sql.slice(start, end)) => {
    if (end === UNTERMINATED) {
      i = sql.length;
      tokens.push({ type, value: sql.slice(start), start, end: sql.length, unterminated: true });
    } else {
      tokens.push({ type, value, start, end });
    }
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';
    const start = i;
    if (/\s/.test(c)) { i++; continue; }
    // MySQL wants a space or control character after `--` (a `--1` is minus minus one).
    if (c === '-' && next === '-' && (dialect !== 'mysql' || i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 32)) {
      i = lineCommentEnd(sql, i, dialect);
      push('comment', start, i);
      continue;
    }
    if (c === '#' && dialect === 'mysql') {
      i = lineCommentEnd(sql, i, dialect);
      push('comment', start, i);
      continue;
    }
    if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i, dialect === 'postgres');
      push('comment', start, i);
      if (dialect === 'mysql' && (sql[start + 2] === '!' || sql.startsWith('M!', start + 2))) {
        tokens[tokens.length - 1].executable = true;
      }
      continue;
    }
    if (c === "'") {
      i = skipQuoted(sql, i, "'", settings.backslashEscapes);
      push('string', start, i);
      continue;
    }
    if ((c === 'E' || c === 'e') && next === "'" && dialect === 'postgres') {
      i = skipQuoted(sql, i + 1, "'", true);
      push('string', start, i);
      continue;
    }
    if (c === '"') {
      // MySQL reads "…" as a string unless ANSI_QUOTES is on: either way it is not code.
      const identifier = settings.ansiQuotes;
      i = skipQuoted(sql, i, '"', !identifier && settings.backslashEscapes);
      if (identifier) push('ident', start, i, unquote(sql.slice(start, i)));
      else push('string', start, i);
      continue;
    }
    if (c === '`' && dialect !== 'postgres') {
      i = skipQuoted(sql, i, '`', false);
      push('ident', start, i, unquote(sql.slice(start, i)));
      continue;
    }
    if (c === '[' && dialect === 'sqlite') {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? UNTERMINATED : end + 1;
      push('ident', start, i, unquote(sql.slice(start, i)));
      continue;
    }
    if (c === '$' && dialect === 'postgres') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? UNTERMINATED : end + tag[0].length;
        push('string', start, i);
        continue;
      }
      let j = i + 1;
      while (j < sql.length && isDigit(sql[j])) j++;
      if (j > i + 1) { i = j; push('param', start, i); continue; }
    }
    if (c === '?' || ((c === ':' || c === '@' || c === '$') && dialect === 'sqlite' && isWordStart(next))) {
      i++;
      while (i < sql.length && (isWordPart(sql[i]) || isDigit(sql[i]))) i++;
      push('param', start, i);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(next))) {
      i++;
      while (i < sql.length && /[0-9.eE]/.test(sql[i])) i++;
      push('number', start, i);
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (i < sql.length && isWordPart(sql[i])) i++;
      push('word', start, i, sql.slice(start, i).toUpperCase());
      continue;
    }
    if (c === ':' && next === ':') { i += 2; push('punct', start, i); continue; }
    const pair = sql.slice(i, i + 2);
    if (['<=', '>=', '<>', '!=', '||'].includes(pair)) { i += 2; push('punct', start, i); continue; }
    i++;
    push('punct', start, i);
  }
  return tokens;
}

/** Tokens that are code: comments dropped. */
export function codeTokens(sql: string, dialect: Dialect): Token[] {
  return tokenize(sql, dialect).filter((token) => token.type !== 'comment');
}
