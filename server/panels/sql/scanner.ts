/*
 * Where each SQL token starts and ends, by character code, as each server reads it (PostgreSQL,
 * MySQL/MariaDB, SQLite): the one scanner under lexer.ts (tokens as objects) and fingerprint.ts
 * (a shape per statement, on the hot path: no object per token). All in one module so the
 * per-character calls stay within it.
 */
import type { Dialect } from '../../types.js';

export type LexTokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'operator' | 'punct' | 'comment';

/** Flags of a scanned token (lexer.ts's LexToken says what they mean). */
export const UNTERMINATED = 1;
export const EXECUTABLE = 2;
export const LINE_COMMENT = 4;

/** Receives each token as it is scanned: no object per token, for the fingerprint's hot path. */
export type OnToken = (type: LexTokenType, start: number, end: number, flags: number) => void;

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

// Character classes: the servers' own, ASCII spaces only (PostgreSQL, MySQL and SQLite all read
// U+0080 and above as part of a name, a no-break space included).
const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isWordStartCode = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isWordPartCode = (c: number) => isWordStartCode(c) || isDigitCode(c) || c === 36; // and $
const isHexCode = (c: number) => isDigitCode(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

const codes = (chars: string) => new Set(chars.split('').map((c) => c.charCodeAt(0)));
/** PostgreSQL's operator characters (`op_chars` in scan.l). */
const PG_OPERATOR_CHARS = codes('~!@#^&|`?+-*/%<>=');
/** What lets a PostgreSQL operator end in `+` or `-` (scan.l): `=-` is `=` then `-`, `!=-` is one operator. */
const PG_OPERATOR_KEEPS_SIGN = codes('~!@#^&|`?%');
/** Single characters that are operators (the rest, `( ) , ; . [ ]`, are punctuation). */
const OPERATOR_CHARS = codes('~!@#^&|`?+-*/%<>=:\\');

/** Operators of more than one character, longest first. PostgreSQL's are read by its own rule instead. */
export const MULTI_CHAR_OPERATORS: Readonly<Record<Exclude<Dialect, 'postgres'>, readonly string[]>> = {
  mysql: ['<=>', '->>', '<=', '>=', '<>', '!=', '<<', '>>', '&&', '||', ':=', '->'],
  sqlite: ['->>', '<=', '>=', '<>', '!=', '==', '<<', '>>', '||', '->'],
};

/** Index past the digits from `from`. */
function digitsEnd(sql: string, from: number): number {
  let j = from;
  while (j < sql.length && isDigitCode(sql.charCodeAt(j))) j++;
  return j;
}

/** Index past the name characters (letters, digits, `_`, `$`, U+0080 and above) from `from`. */
function nameEnd(sql: string, from: number): number {
  let j = from;
  while (j < sql.length && isWordPartCode(sql.charCodeAt(j))) j++;
  return j;
}

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

/** Index past the PostgreSQL `$tag$…$tag$` string at `start`, -1 when it never closes, or 0 when `$` starts none. */
function dollarQuotedEnd(sql: string, start: number): number {
  // A tag is a name without `$`, or nothing.
  let j = start + 1;
  if (sql.charCodeAt(j) !== 36) {
    if (!isWordStartCode(sql.charCodeAt(j))) return 0;
    while (j < sql.length && isWordPartCode(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
    if (sql.charCodeAt(j) !== 36) return 0;
  }
  const tag = sql.slice(start, j + 1);
  const end = sql.indexOf(tag, j + 1);
  return end < 0 ? -1 : end + tag.length;
}

/**
 * Index past the number at `start`: `12`, `1.5`, `.5`, `1e-3`, `0x1F`, `0b101` (not SQLite's),
 * `0o17` (PostgreSQL's). An exponent needs its digits: `1e` is `1` and a name.
 */
function numberEnd(sql: string, start: number, dialect: Dialect): number {
  const radix = sql.charCodeAt(start) === 48 ? sql.charCodeAt(start + 1) | 32 : 0;
  const base = radix === 120 ? 16 : radix === 98 && dialect !== 'sqlite' ? 2 : radix === 111 && dialect === 'postgres' ? 8 : 10;
  if (base !== 10 && isRadixDigit(sql.charCodeAt(start + 2), base)) {
    let j = start + 3;
    while (j < sql.length && isRadixDigit(sql.charCodeAt(j), base)) j++;
    return j;
  }
  let i = digitsEnd(sql, start);
  if (sql.charCodeAt(i) === 46) i = digitsEnd(sql, i + 1);
  if ((sql.charCodeAt(i) | 32) === 101) {
    const sign = sql.charCodeAt(i + 1) === 43 || sql.charCodeAt(i + 1) === 45 ? 1 : 0;
    if (isDigitCode(sql.charCodeAt(i + 1 + sign))) i = digitsEnd(sql, i + 2 + sign);
  }
  return i;
}

const isRadixDigit = (c: number, base: number) => (base === 16 ? isHexCode(c) : c >= 48 && c < 48 + base);

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
 * Scans SQL the way `dialect`'s server reads it, calling `onToken` for each token, whitespace
 * left out:
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
 * scanSql('select 1', 'postgres', DEFAULT_LEX_SETTINGS.postgres, (type) => types.push(type)) // types: ['word', 'number']
 */
export function scanSql(sql: string, dialect: Dialect, settings: LexSettings, onToken: OnToken): void {
  const pg = dialect === 'postgres';
  const mysql = dialect === 'mysql';
  const sqlite = dialect === 'sqlite';
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpaceCode(c)) { i++; continue; }
    const next = sql.charCodeAt(i + 1);
    let type: LexTokenType;
    // Where the token ends; -1 for one that never closes.
    let end: number;
    let flags = 0;
    if (isWordStartCode(c) && next !== 39 && next !== 38) { // a name or keyword (most tokens): no prefixed string
      type = 'word';
      end = nameEnd(sql, i + 1);
    } else if ((c === 45 && next === 45 && (!mysql || i + 2 >= n || sql.charCodeAt(i + 2) <= 32)) || (c === 35 && mysql)) {
      // -- (MySQL wants a space or control character after it: `1--1` is 1 minus minus 1), and MySQL's #.
      type = 'comment';
      end = lineEnd(sql, i, dialect);
      flags = LINE_COMMENT;
    } else if (c === 47 && next === 42) { // /*
      type = 'comment';
      end = skipBlockComment(sql, i, pg);
      if (mysql && (sql.charCodeAt(i + 2) === 33 || sql.startsWith('M!', i + 2))) flags = EXECUTABLE;
    } else if (c === 39) {
      type = 'string';
      end = skipQuoted(sql, i, 39, settings.backslashEscapes);
    } else if (next === 39 && ((c | 32) === 120 || ((c | 32) === 98 && !sqlite))) { // X'…' B'…' end at the first quote
      type = 'string';
      end = sql.indexOf("'", i + 2);
      if (end >= 0) end++;
    } else if (next === 39 && (((c | 32) === 110 && !sqlite) || ((c | 32) === 101 && pg))) { // N'…' as '…'; E'…' with backslashes
      type = 'string';
      end = skipQuoted(sql, i + 1, 39, (c | 32) === 101 || settings.backslashEscapes);
    } else if (pg && (c | 32) === 117 && next === 38 && (sql.charCodeAt(i + 2) === 39 || sql.charCodeAt(i + 2) === 34)) { // U&'…' U&"…"
      type = sql.charCodeAt(i + 2) === 39 ? 'string' : 'ident';
      end = skipQuoted(sql, i + 2, sql.charCodeAt(i + 2), false);
    } else if (c === 34) { // MySQL reads "…" as a string unless ANSI_QUOTES is on.
      type = settings.ansiQuotes ? 'ident' : 'string';
      end = skipQuoted(sql, i, 34, !settings.ansiQuotes && settings.backslashEscapes);
    } else if (c === 96 && !pg) {
      type = 'ident';
      end = skipQuoted(sql, i, 96, false);
    } else if (c === 91 && sqlite) {
      type = 'ident';
      end = sql.indexOf(']', i + 1);
      if (end >= 0) end++;
    } else if (c === 36 && pg && (end = dollarQuotedEnd(sql, i)) !== 0) {
      type = 'string';
    } else if (c === 36 && pg && isDigitCode(next)) { // $1
      type = 'param';
      end = digitsEnd(sql, i + 1);
    } else if (c === 36 && !pg && isWordPartCode(next)) { // SQLite's $name; a MySQL name may start with $
      type = sqlite ? 'param' : 'word';
      end = nameEnd(sql, i + 1);
    } else if (c === 63 && !pg) { // ?, SQLite's ?NNN
      type = 'param';
      end = sqlite ? digitsEnd(sql, i + 1) : i + 1;
    } else if ((c === 58 && ((mysql && isWordStartCode(next)) || (sqlite && isWordPartCode(next)))) || (c === 64 && sqlite && isWordPartCode(next))) {
      type = 'param'; // mysql2's :name; SQLite's :name and @name
      end = nameEnd(sql, i + 1);
    } else if (isDigitCode(c) || (c === 46 && isDigitCode(next))) {
      type = 'number';
      end = numberEnd(sql, i, dialect);
      // A MySQL name may start with digits (`2fa_codes`); `1e5x` is still 1e5 and a name.
      if (mysql && isWordPartCode(sql.charCodeAt(end)) && /^(?:\d+|0x[0-9a-f]+|0b[01]+)$/i.test(sql.slice(i, end))) {
        type = 'word';
        end = nameEnd(sql, end);
      }
    } else if (isWordStartCode(c)) {
      type = 'word';
      end = nameEnd(sql, i + 1);
    } else if (OPERATOR_CHARS.has(c)) {
      type = 'operator';
      end = operatorEnd(sql, i, dialect);
    } else {
      type = 'punct';
      end = i + 1;
    }
    if (end < 0) {
      onToken(type, i, n, flags | UNTERMINATED);
      i = n;
    } else {
      onToken(type, i, end, flags);
      i = end;
    }
  }
}
