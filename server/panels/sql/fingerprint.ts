import { createHash } from 'node:crypto';
import type { Dialect } from '../../types.js';
import { DEFAULT_LEX_SETTINGS, scanSql, type LexTokenType } from './scanner.js';

/**
 * The tokens a shape is made of, read by the lexer's scanner (scanner.ts) without a token object
 * each: words lower-cased, quoted names as written, every literal and placeholder `?`, comments
 * dropped.
 *
 * @example
 * shapeTokens("SELECT a FROM t WHERE b = 'x' -- c", 'postgres') // ['select', 'a', 'from', 't', 'where', 'b', '=', '?']
 */
export function shapeTokens(sql: string, dialect: Dialect): string[] {
  const tokens: string[] = [];
  collecting = { sql, tokens };
  scanSql(sql, dialect, DEFAULT_LEX_SETTINGS[dialect], collect);
  collecting = NOTHING;
  return tokens;
}

// One function for every scan, not a closure per call: this runs for every distinct statement.
const NOTHING = { sql: '', tokens: [] as string[] };
let collecting = NOTHING;
function collect(type: LexTokenType, start: number, end: number): void {
  if (type === 'comment') return;
  const { sql, tokens } = collecting;
  if (type === 'string' || type === 'number' || type === 'param') tokens.push('?');
  else if (type === 'word') tokens.push(sql.slice(start, end).toLowerCase());
  else tokens.push(sql.slice(start, end));
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
 * Read by the lexer, as `dialect`'s server reads the text (PostgreSQL's rules when not said).
 *
 * @example
 * normalizeSql("SELECT * FROM users WHERE id IN (1, 2, 3) AND name = 'x'")
 * // 'select * from users where id in (?) and name = ?'
 */
export function normalizeSql(sql: string, dialect: Dialect = 'postgres'): string {
  return join(foldLists(shapeTokens(sql, dialect)));
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

const caches: Record<Dialect, Map<string, string>> = { postgres: new Map(), mysql: new Map(), sqlite: new Map() };
const CACHE_LIMIT = 5000;

/**
 * A short stable id of the query's shape (see {@link normalizeSql}), cached by SQL text since an
 * app runs the same few hundred statements over and over. Pass the query's dialect: without it
 * the text is read by PostgreSQL's rules.
 *
 * @example
 * fingerprint('SELECT 1', 'mysql') === fingerprint('select  2', 'mysql') // true
 */
export function fingerprint(sql: string, dialect: Dialect = 'postgres'): string {
  const cache = caches[dialect];
  let id = cache.get(sql);
  if (id === undefined) {
    id = createHash('sha1').update(normalizeSql(sql, dialect)).digest('hex').slice(0, 16);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(sql, id);
  }
  return id;
}
