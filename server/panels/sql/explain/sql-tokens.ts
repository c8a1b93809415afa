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
  // Unterminated: swallow the rest, as the server would refuse it anyway.
  return sql.length;
}

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
  return sql.length;
}

function unquote(text: string): string {
  const open = text[0];
  const close = open === '[' ? ']' : open;
  const inner = text.slice(1, text.endsWith(close) && text.length > 1 ? -1 : undefined);
  return open === '[' ? inner : inner.split(close + close).join(close);
}

/**
 * Splits SQL into tokens the way `dialect`'s server reads it: PostgreSQL `E''` and `$tag$`
 * strings and nested comments; MySQL backslash escapes, backtick identifiers, `#` comments and
 * `-- ` (with a space); SQLite `[bracketed]` identifiers.
 *
 * @example
 * tokenize("select ';' -- x", 'postgres').map((t) => t.type) // ['word', 'string', 'comment']
 */
export function tokenize(sql: string, dialect: Dialect): Token[] {
  const tokens: Token[] = [];
  const push = (type: Token['type'], start: number, end: number, value = sql.slice(start, end)) => {
    tokens.push({ type, value, start, end });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1] ?? '';
    const start = i;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-' && (dialect !== 'mysql' || /[\s]|^$/.test(sql[i + 2] ?? ''))) {
      while (i < sql.length && sql[i] !== '\n') i++;
      push('comment', start, i);
      continue;
    }
    if (c === '#' && dialect === 'mysql') {
      while (i < sql.length && sql[i] !== '\n') i++;
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
      i = skipQuoted(sql, i, "'", dialect === 'mysql');
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
      i = skipQuoted(sql, i, '"', dialect === 'mysql');
      if (dialect === 'mysql') push('string', start, i);
      else push('ident', start, i, unquote(sql.slice(start, i)));
      continue;
    }
    if (c === '`' && dialect !== 'postgres') {
      i = skipQuoted(sql, i, '`', false);
      push('ident', start, i, unquote(sql.slice(start, i)));
      continue;
    }
    if (c === '[' && dialect === 'sqlite') {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? sql.length : end + 1;
      push('ident', start, i, unquote(sql.slice(start, i)));
      continue;
    }
    if (c === '$' && dialect === 'postgres') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? sql.length : end + tag[0].length;
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
