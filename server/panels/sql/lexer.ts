/*
 * The one SQL lexer: where strings, quoted names, comments, placeholders and operators start and
 * end, read the way each server reads them. Shape reading (sql-tokenize.ts), redaction
 * (secret-tokens.ts), EXPLAIN (explain/sql-tokens.ts) and the UI's highlighter
 * (ui/panels/sql/tokenize.ts) are views of these tokens; fingerprint.ts reads the same rules
 * char by char for speed, and a property test holds it to this file. Pure TypeScript with no
 * Node import: the UI bundle imports it.
 *
 * Each rule was checked against the servers themselves (PostgreSQL 15, MariaDB 10, SQLite 3):
 * test/panels/sql/lexer.test.ts has a row for each.
 */
import type { Dialect } from '../../types.js';

export type LexTokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'operator' | 'punct' | 'comment';

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
export const DEFAULT_LEX_SETTINGS: Readonly<Record<Dialect, LexSettings>> = {
  postgres: { backslashEscapes: false, ansiQuotes: true },
  mysql: { backslashEscapes: true, ansiQuotes: false },
  sqlite: { backslashEscapes: false, ansiQuotes: true },
};

// Character classes by code: the servers' own, ASCII spaces only (PostgreSQL, MySQL and SQLite
// all read U+0080 and above as part of a name, a no-break space included).
export const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);
export const isDigitCode = (c: number) => c >= 48 && c <= 57;
export const isWordStartCode = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
export const isWordPartCode = (c: number) => isWordStartCode(c) || isDigitCode(c) || c === 36; // and $
const isHexCode = (c: number) => isDigitCode(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** PostgreSQL's operator characters (`op_chars` in scan.l). */
const PG_OPERATOR_CHARS = new Set('~!@#^&|`?+-*/%<>='.split('').map((c) => c.charCodeAt(0)));
/** What lets a PostgreSQL operator end in `+` or `-` (scan.l): `=-` is `=` then `-`, `!=-` is one operator. */
const PG_OPERATOR_KEEPS_SIGN = new Set('~!@#^&|`?%'.split('').map((c) => c.charCodeAt(0)));
/** Single characters that are operators (the rest, `( ) , ; . [ ]`, are punctuation). */
const OPERATOR_CHARS = new Set('~!@#^&|`?+-*/%<>=:\\'.split('').map((c) => c.charCodeAt(0)));

/** Operators of more than one character, longest first. PostgreSQL's are read by its own rule instead. */
export const MULTI_CHAR_OPERATORS: Readonly<Record<Exclude<Dialect, 'postgres'>, readonly string[]>> = {
  mysql: ['<=>', '->>', '<=', '>=', '<>', '!=', '<<', '>>', '&&', '||', ':=', '->'],
  sqlite: ['->>', '<=', '>=', '<>', '!=', '==', '<<', '>>', '||', '->'],
};

/** Index just past a quoted token at `start` whose quote doubles to escape itself, or -1 when it never closes. */
function skipQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) { i += 2; continue; }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return -1;
}

/** Index past a block comment at `start` (PostgreSQL's nest), or -1 when it never closes. */
function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === 47 && sql.charCodeAt(i + 1) === 42) { depth++; i += 2; continue; }
    if (c === 42 && sql.charCodeAt(i + 1) === 47) {
      depth--;
      i += 2;
      if (depth === 0 || !nested) return i;
      continue;
    }
    i++;
  }
  return -1;
}

/** Where a `--` or `#` comment ends: PostgreSQL's scanner stops at `\r` too (`non_newline` in scan.l). */
function lineEnd(sql: string, from: number, dialect: Dialect): number {
  let i = from;
  for (; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 10 || (c === 13 && dialect === 'postgres')) break;
  }
  return i;
}

/** The `$tag$` at `start` (PostgreSQL), or null: a tag is a name without `$`, or nothing. */
export function dollarTag(sql: string, start: number): string | null {
  let j = start + 1;
  if (sql.charCodeAt(j) !== 36) {
    if (!isWordStartCode(sql.charCodeAt(j))) return null;
    while (j < sql.length && isWordPartCode(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
    if (sql.charCodeAt(j) !== 36) return null;
  }
  return sql.slice(start, j + 1);
}

/**
 * Index past the number at `start`: `12`, `1.5`, `.5`, `1e-3`, `0x1F`, `0b101`. An exponent
 * needs its digits (`1e` is `1` and a name). In MySQL a name may start with digits (`2fa_codes`):
 * then the index past that name, with `word` set.
 */
export function numberEnd(sql: string, start: number, dialect: Dialect): { end: number; word: boolean } {
  const at = (k: number) => sql.charCodeAt(k);
  let i = start;
  const radix = at(i) === 48 ? at(i + 1) | 32 : 0;
  if (radix === 120 || (radix === 98 && dialect !== 'sqlite') || (radix === 111 && dialect === 'postgres')) { // 0x, 0b, 0o
    let j = i + 2;
    const digit = radix === 120 ? isHexCode : radix === 98 ? (c: number) => c === 48 || c === 49 : (c: number) => c >= 48 && c <= 55;
    while (j < sql.length && digit(at(j))) j++;
    if (j > i + 2) i = j;
  }
  if (i === start) {
    while (i < sql.length && isDigitCode(at(i))) i++;
    if (at(i) === 46) { i++; while (i < sql.length && isDigitCode(at(i))) i++; }
    if ((at(i) | 32) === 101) {
      const sign = at(i + 1) === 43 || at(i + 1) === 45 ? 1 : 0;
      if (isDigitCode(at(i + 1 + sign))) {
        i += 2 + sign;
        while (i < sql.length && isDigitCode(at(i))) i++;
        return { end: i, word: false };
      }
    }
  }
  const integer = !sql.slice(start, i).includes('.');
  if (dialect === 'mysql' && integer && i < sql.length && isWordPartCode(at(i))) {
    while (i < sql.length && isWordPartCode(at(i))) i++;
    return { end: i, word: true };
  }
  return { end: i, word: false };
}

/** Index past the operator at `start` (`start + 1` at least). */
function operatorEnd(sql: string, start: number, dialect: Dialect): number {
  if (dialect !== 'postgres') {
    for (const op of MULTI_CHAR_OPERATORS[dialect]) if (sql.startsWith(op, start)) return start + op.length;
    return start + 1;
  }
  const c = sql.charCodeAt(start);
  if (c === 58) return start + (sql.charCodeAt(start + 1) === 58 || sql.charCodeAt(start + 1) === 61 ? 2 : 1); // :: :=
  if (!PG_OPERATOR_CHARS.has(c)) return start + 1;
  let i = start + 1;
  while (i < sql.length && PG_OPERATOR_CHARS.has(sql.charCodeAt(i))) {
    // A comment starts inside the run: the operator ends before it.
    const d = sql.charCodeAt(i);
    if ((d === 45 && sql.charCodeAt(i + 1) === 45) || (d === 47 && sql.charCodeAt(i + 1) === 42)) break;
    i++;
  }
  // A run of more than one that ends in + or - drops them, unless it has one of ~!@#^&|`?%.
  if (i - start > 1) {
    let keepsSign = false;
    for (let k = start; k < i && !keepsSign; k++) keepsSign = PG_OPERATOR_KEEPS_SIGN.has(sql.charCodeAt(k));
    while (!keepsSign && i - start > 1 && (sql.charCodeAt(i - 1) === 43 || sql.charCodeAt(i - 1) === 45)) i--;
  }
  return i;
}

/**
 * Splits SQL into tokens the way `dialect`'s server reads it, whitespace left out:
 * - strings: `'…'` with `''`; backslash escapes where `settings` say (MySQL by default); PostgreSQL
 *   `E'…'`, `U&'…'`, `$tag$…$tag$`; `X'…'`/`B'…'` (and `N'…'` outside SQLite) as one string;
 *   MySQL's `"…"` unless ANSI_QUOTES;
 * - quoted names: `"…"` (PostgreSQL, SQLite, MySQL with ANSI_QUOTES), `` `…` `` (MySQL, SQLite),
 *   `[…]` (SQLite), `U&"…"` (PostgreSQL);
 * - comments: `--` (MySQL wants a space or control character after it), `#` (MySQL), `/* *\/`
 *   (nested in PostgreSQL; MySQL's `/*! *\/` marked executable);
 * - placeholders: `$1` (PostgreSQL); `?` and mysql2's `:name` (MySQL); `?`, `?NNN`, `:name`,
 *   `@name`, `$name` (SQLite). PostgreSQL's `?` is an operator (jsonb);
 * - numbers: `1`, `1.5`, `.5`, `1e5`, `0x1F`; MySQL names may start with digits;
 * - operators: PostgreSQL's by its scanner's rule (`::`, `->>`, `#>>`, `@>`, `!~*`, `=-` is two);
 *   MySQL's and SQLite's from their lists (`<=>`, `:=`, `==`, `->>`, `||`).
 *
 * @example
 * lex("select ';' -- x", 'postgres').map((t) => t.type) // ['word', 'string', 'comment']
 */
export function lex(sql: string, dialect: Dialect, settings: LexSettings = DEFAULT_LEX_SETTINGS[dialect]): LexToken[] {
  const tokens: LexToken[] = [];
  const pg = dialect === 'postgres';
  const mysql = dialect === 'mysql';
  const sqlite = dialect === 'sqlite';
  const n = sql.length;
  let i = 0;
  const push = (type: LexTokenType, start: number, end: number) => {
    if (end < 0) {
      tokens.push({ type, start, end: n, unterminated: true });
      i = n;
    } else {
      tokens.push({ type, start, end });
      i = end;
    }
  };
  /** A quoted token at `quoteAt` (after any prefix from `start`). */
  const quoted = (type: LexTokenType, start: number, quoteAt: number, backslash: boolean) =>
    push(type, start, skipQuoted(sql, quoteAt, sql.charCodeAt(quoteAt), backslash));
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    const start = i;
    if (isSpaceCode(c)) { i++; continue; }
    if (c === 45 && next === 45 && (!mysql || i + 2 >= n || sql.charCodeAt(i + 2) <= 32)) { // --
      tokens.push({ type: 'comment', start, end: (i = lineEnd(sql, i, dialect)), line: true });
      continue;
    }
    if (c === 35 && mysql) { // #
      tokens.push({ type: 'comment', start, end: (i = lineEnd(sql, i, dialect)), line: true });
      continue;
    }
    if (c === 47 && next === 42) { // /*
      push('comment', start, skipBlockComment(sql, i, pg));
      if (mysql && (sql.charCodeAt(start + 2) === 33 || sql.startsWith('M!', start + 2))) tokens[tokens.length - 1].executable = true;
      continue;
    }
    if (c === 39) { quoted('string', start, i, settings.backslashEscapes); continue; }
    if (next === 39) {
      const prefix = c | 32;
      // X'…' and B'…' end at the first quote; N'…' reads like '…'; E'…' takes backslash escapes.
      if (prefix === 120 || (prefix === 98 && !sqlite)) { const end = sql.indexOf("'", i + 2); push('string', start, end < 0 ? -1 : end + 1); continue; }
      if (prefix === 110 && !sqlite) { quoted('string', start, i + 1, settings.backslashEscapes); continue; }
      if (prefix === 101 && pg) { quoted('string', start, i + 1, true); continue; }
    }
    if (pg && (c | 32) === 117 && next === 38 && (sql.charCodeAt(i + 2) === 39 || sql.charCodeAt(i + 2) === 34)) { // U&'…' U&"…"
      const quote = sql.charCodeAt(i + 2);
      quoted(quote === 39 ? 'string' : 'ident', start, i + 2, false);
      continue;
    }
    if (c === 34) {
      // MySQL reads "…" as a string unless ANSI_QUOTES is on.
      if (settings.ansiQuotes) quoted('ident', start, i, false);
      else quoted('string', start, i, settings.backslashEscapes);
      continue;
    }
    if (c === 96 && !pg) { quoted('ident', start, i, false); continue; }
    if (c === 91 && sqlite) { const end = sql.indexOf(']', i + 1); push('ident', start, end < 0 ? -1 : end + 1); continue; }
    if (c === 36) { // $
      if (pg) {
        const tag = dollarTag(sql, i);
        if (tag) {
          const end = sql.indexOf(tag, i + tag.length);
          push('string', start, end < 0 ? -1 : end + tag.length);
          continue;
        }
        if (isDigitCode(next)) {
          let j = i + 1;
          while (j < n && isDigitCode(sql.charCodeAt(j))) j++;
          push('param', start, j);
          continue;
        }
      } else if (sqlite && isWordPartCode(next)) {
        let j = i + 1;
        while (j < n && isWordPartCode(sql.charCodeAt(j))) j++;
        push('param', start, j);
        continue;
      } else if (mysql && isWordPartCode(next)) { // MySQL names may start with $
        let j = i + 1;
        while (j < n && isWordPartCode(sql.charCodeAt(j))) j++;
        push('word', start, j);
        continue;
      }
    }
    if (c === 63 && !pg) { // ?
      let j = i + 1;
      if (sqlite) while (j < n && isDigitCode(sql.charCodeAt(j))) j++;
      push('param', start, j);
      continue;
    }
    if ((c === 58 && (mysql || sqlite) && (sqlite ? isWordPartCode(next) : isWordStartCode(next)))
      || (c === 64 && sqlite && isWordPartCode(next))) { // :name @name
      let j = i + 1;
      while (j < n && isWordPartCode(sql.charCodeAt(j))) j++;
      push('param', start, j);
      continue;
    }
    if (isDigitCode(c) || (c === 46 && isDigitCode(next))) {
      const number = numberEnd(sql, i, dialect);
      push(number.word ? 'word' : 'number', start, number.end);
      continue;
    }
    if (isWordStartCode(c)) {
      let j = i + 1;
      while (j < n && isWordPartCode(sql.charCodeAt(j))) j++;
      push('word', start, j);
      continue;
    }
    if (OPERATOR_CHARS.has(c)) { push('operator', start, operatorEnd(sql, i, dialect)); continue; }
    push('punct', start, i + 1);
  }
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

/** A placeholder's binding: a 0-based position in the params, or a name. */
export type Binding = { position: number } | { name: string };

/**
 * The binding of every placeholder token, in order: `$n` is position n-1; `?` the next position
 * (SQLite: one more than the largest so far, so `?, ?2, ?` binds 1, 2, 3); `?NNN` position NNN-1;
 * `:name`, `@name`, `$name` a name.
 *
 * @example
 * bindings('SELECT ?, ?2, ?', lex('SELECT ?, ?2, ?', 'sqlite')).map(([, b]) => b)
 * // [{ position: 0 }, { position: 1 }, { position: 2 }]
 */
export function bindings<T extends { type: string; start: number; end: number }>(sql: string, tokens: readonly T[]): [T, Binding][] {
  const out: [T, Binding][] = [];
  let largest = 0;
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    const first = sql.charCodeAt(t.start);
    const digits = /^\d+$/.test(sql.slice(t.start + 1, t.end));
    if ((first === 36 || first === 63) && (digits || t.end === t.start + 1)) {
      const n = digits ? Number(sql.slice(t.start + 1, t.end)) : largest + 1;
      largest = Math.max(largest, n);
      out.push([t, { position: n - 1 }]);
    } else {
      out.push([t, { name: sql.slice(t.start + 1, t.end) }]);
    }
  }
  return out;
}
