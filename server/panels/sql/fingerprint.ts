import { createHash } from 'node:crypto';

const isWordStart = (c: string) => /[A-Za-z_]/.test(c);
const isWordPart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Index just past a quoted token starting at `start` whose quote doubles to escape itself. */
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
  return i;
}

/**
 * The query's shape: keywords lower-cased, comments and spacing dropped, every literal and
 * placeholder (`$1`, `?`, `:name`) turned into `?`, and `IN (…)` / `VALUES (…)` lists of any
 * length folded into one. Quoted identifiers keep their case; strings never leak into the shape.
 *
 * @example
 * normalizeSql("SELECT * FROM users WHERE id IN (1, 2, 3) AND name = 'x'")
 * // 'select * from users where id in (?) and name = ?'
 */
export function normalizeSql(sql: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '-' && next === '-') { while (i < sql.length && sql[i] !== '\n') i++; continue; }
    if (c === '/' && next === '*') { const end = sql.indexOf('*/', i + 2); i = end < 0 ? sql.length : end + 2; continue; }
    if (c === "'") { i = skipQuoted(sql, i, "'", false); out.push('?'); continue; }
    if ((c === 'E' || c === 'e') && next === "'") { i = skipQuoted(sql, i + 1, "'", true); out.push('?'); continue; }
    if (c === '"' || c === '`') { const end = skipQuoted(sql, i, c, false); out.push(sql.slice(i, end)); i = end; continue; }
    if (c === '$') {
      const dollarTag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (dollarTag) {
        const end = sql.indexOf(dollarTag[0], i + dollarTag[0].length);
        i = end < 0 ? sql.length : end + dollarTag[0].length;
        out.push('?');
        continue;
      }
      let j = i + 1;
      while (j < sql.length && isDigit(sql[j])) j++;
      if (j > i + 1) { out.push('?'); i = j; continue; }
    }
    if (c === '?') { out.push('?'); i++; continue; }
    if (c === ':' && next === ':') { out.push('::'); i += 2; continue; }
    if (c === ':' && next !== undefined && isWordStart(next)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql[j])) j++;
      out.push('?');
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && next !== undefined && isDigit(next))) {
      let j = i + 1;
      while (j < sql.length && /[0-9.eE]/.test(sql[j])) j++;
      out.push('?');
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < sql.length && isWordPart(sql[j])) j++;
      out.push(sql.slice(i, j).toLowerCase());
      i = j;
      continue;
    }
    out.push(c);
    i++;
  }
  return foldLists(out).join(' ').replace(/ ([,).]) ?/g, '$1 ').replace(/\( /g, '(').replace(/ \./g, '.').trim()
    .replace(/\s+/g, ' ').replace(/ \)/g, ')').replace(/\. /g, '.');
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
