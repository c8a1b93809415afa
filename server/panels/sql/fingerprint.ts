import { createHash } from 'node:crypto';

// Character classes by code: this runs for every distinct statement an app sends.
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; // a-z A-Z _
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordPart = (c: number) => isLetter(c) || isDigit(c) || c === 36; // and $
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
const isNumberPart = (c: number) => isDigit(c) || c === 46 || c === 101 || c === 69; // . e E

/** Index just past a quoted token starting at `start` whose quote doubles to escape itself. */
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
  return i;
}

/** Index past a `$tag$…$tag$` string starting at `start`, or -1 when `$` starts no such string. */
function skipDollarQuoted(sql: string, start: number): number {
  let j = start + 1;
  while (j < sql.length && isWordPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
  if (sql.charCodeAt(j) !== 36 || (j > start + 1 && isDigit(sql.charCodeAt(start + 1)))) return -1;
  const tag = sql.slice(start, j + 1);
  const end = sql.indexOf(tag, j + 1);
  return end < 0 ? sql.length : end + tag.length;
}

function scan(sql: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (isSpace(c)) { i++; continue; }
    if (c === 45 && next === 45) { // -- comment
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (c === 47 && next === 42) { // /* comment */
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === 39) { i = skipQuoted(sql, i, 39, false); tokens.push('?'); continue; }
    if ((c === 69 || c === 101) && next === 39) { i = skipQuoted(sql, i + 1, 39, true); tokens.push('?'); continue; }
    if (c === 34 || c === 96) { // "identifier" or `identifier`: keeps its case
      const end = skipQuoted(sql, i, c, false);
      tokens.push(sql.slice(i, end));
      i = end;
      continue;
    }
    if (c === 36) { // $1 placeholder or $tag$ string
      if (isDigit(next)) {
        let j = i + 1;
        while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
        tokens.push('?');
        i = j;
        continue;
      }
      const end = skipDollarQuoted(sql, i);
      if (end >= 0) { tokens.push('?'); i = end; continue; }
    }
    if (c === 63) { tokens.push('?'); i++; continue; }
    if (c === 58 && next === 58) { tokens.push('::'); i += 2; continue; }
    if (c === 58 && isLetter(next)) { // :name placeholder
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
      tokens.push('?');
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      let j = i + 1;
      while (j < sql.length && isNumberPart(sql.charCodeAt(j))) j++;
      tokens.push('?');
      i = j;
      continue;
    }
    if (isLetter(c)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
      tokens.push(sql.slice(i, j).toLowerCase());
      i = j;
      continue;
    }
    tokens.push(sql[i]);
    i++;
  }
  return tokens;
}

/** Joins tokens the way a person writes SQL: `f(a, b)`, `t.col`, `(?)`. */
function join(tokens: readonly string[]): string {
  let out = '';
  let previous = '';
  for (const token of tokens) {
    const tight = previous === '' || previous === '(' || previous === '.' || token === ',' || token === ')' || token === '.';
    out += tight ? token : ` ${token}`;
    previous = token;
  }
  return out;
}

/**
 * The query's shape: keywords lower-cased, comments and spacing dropped, every literal and
 * placeholder (`$1`, `?`, `:name`) turned into `?`, and `IN (…)` / `VALUES (…)` lists of any
 * length folded into one. Quoted identifiers keep their case; strings never leak into the shape.
 * A scanner, not regexes, so quotes, comments and dollar-quoting are respected.
 *
 * @example
 * normalizeSql("SELECT * FROM users WHERE id IN (1, 2, 3) AND name = 'x'")
 * // 'select * from users where id in (?) and name = ?'
 */
export function normalizeSql(sql: string): string {
  return join(foldLists(scan(sql)));
}

/** `( ? , ? , ? )` → `( ? )`, and `( ? ) , ( ? )` repeated → one tuple. */
function foldLists(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === '(' && tokens[i + 1] === '?') {
      let j = i + 1;
      while (tokens[j] === '?' && tokens[j + 1] === ',' && tokens[j + 2] === '?') j += 2;
      if (tokens[j] === '?' && tokens[j + 1] === ')') {
        out.push('(', '?', ')');
        i = j + 1;
        while (tokens[i + 1] === ',' && tokens[i + 2] === '(' && tokens[i + 3] === '?') {
          let k = i + 3;
          while (tokens[k] === '?' && tokens[k + 1] === ',' && tokens[k + 2] === '?') k += 2;
          if (tokens[k] !== '?' || tokens[k + 1] !== ')') break;
          i = k + 1;
        }
        continue;
      }
    }
    out.push(tokens[i]);
  }
  return out;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 5000;

/**
 * A short stable id of the query's shape (see {@link normalizeSql}), cached by SQL text since an
 * app runs the same few hundred statements over and over.
 *
 * @example
 * fingerprint('SELECT 1') === fingerprint('select  2') // true
 */
export function fingerprint(sql: string): string {
  let id = cache.get(sql);
  if (id === undefined) {
    id = createHash('sha1').update(normalizeSql(sql)).digest('hex').slice(0, 16);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(sql, id);
  }
  return id;
}
