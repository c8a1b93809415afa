import type { Dialect } from '../../types.js';
import { codeTokens, type Token } from './explain/sql-tokens.js';
import { bindings, type Binding } from './placeholders.js';

export type { Binding } from './placeholders.js';

/*
 * The token-level reading secret-plan.ts builds on: placeholders and what they bind, matching
 * parentheses and subquery scopes, column lists, the values literals write.
 */

export const isName = (t: Token | undefined): t is Token => t !== undefined && (t.type === 'word' || t.type === 'ident');
export const isValue = (t: Token | undefined) => t !== undefined && (t.type === 'param' || t.type === 'string' || t.type === 'number');
export const isPunct = (t: Token | undefined, value: string) => t !== undefined && t.type === 'punct' && t.value === value;
export const isWord = (t: Token | undefined, value: string) => t !== undefined && t.type === 'word' && t.value === value;

/**
 * Tokens, and the binding of every placeholder (placeholders.ts): `$n`, `?`, `?NNN` (SQLite: one more
 * than the largest so far), `:name`/`@name`/`$name`.
 *
 * @example
 * bindTokens('SELECT * FROM t WHERE a = ? AND b = ?', 'mysql').bindings // two tokens → { position: 0 }, { position: 1 }
 */
export function bindTokens(sql: string, dialect: Dialect): { tokens: Token[]; bindings: Map<Token, Binding> } {
  const tokens = codeTokens(sql, dialect);
  return { tokens, bindings: new Map(bindings(sql, tokens)) };
}

/**
 * For each parenthesis, the index of its partner (-1 when unmatched); for each token, the `(` of
 * the innermost subquery around it (-1 at the top): a secret column compared inside
 * `(SELECT … WHERE password = $1)` says nothing about the values outside it.
 *
 * @example
 * structure(codeTokens('f((x))', 'postgres')).match // [-1, 5, 4, -1, 2, 1]
 */
export function structure(tokens: Token[]): { match: Int32Array; scope: Int32Array } {
  const match = new Int32Array(tokens.length).fill(-1);
  const scope = new Int32Array(tokens.length);
  const opens: number[] = [];
  const scopes: number[] = [-1];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    scope[i] = scopes[scopes.length - 1];
    if (isPunct(t, '(')) {
      opens.push(i);
      const subquery = isWord(tokens[i + 1], 'SELECT') || isWord(tokens[i + 1], 'WITH');
      scopes.push(subquery ? i : scope[i]);
    } else if (isPunct(t, ')') && opens.length > 0) {
      const open = opens.pop()!;
      match[open] = i;
      match[i] = open;
      scopes.pop();
      scope[i] = scopes[scopes.length - 1];
    }
  }
  return { match, scope };
}

/** The name a column token is written with: quoted names unquoted, words as written (case kept). */
export const columnName = (sql: string, t: Token) => (t.type === 'ident' ? t.value : sql.slice(t.start, t.end));

/**
 * `(a, b, "c")`: the names of a parenthesised column list starting at `open`; null if not one.
 *
 * @example
 * columnList(sql, tokens, 3) // ['email', 'password'] for INSERT INTO users (email, password) …
 */
export function columnList(sql: string, tokens: Token[], open: number): string[] | null {
  if (!isPunct(tokens[open], '(')) return null;
  const names: string[] = [];
  for (let i = open + 1; ; i += 2) {
    if (!isName(tokens[i])) return null;
    names.push(columnName(sql, tokens[i]));
    if (isPunct(tokens[i + 1], ')')) return names;
    if (!isPunct(tokens[i + 1], ',')) return null;
  }
}

/**
 * The value a literal writes.
 *
 * @example
 * literalValue("'it''s'", 'postgres') // "it's"
 * literalValue("E'a\\'b'", 'postgres') // "a'b"
 */
export function literalValue(text: string, dialect: Dialect): string {
  const dollar = /^(\$[^$]*\$)([^]*)\1$/.exec(text);
  if (dollar) return dollar[2];
  // E'…' (backslash escapes), N'…' (read like '…'), X'…' and B'…' (digits as written), U&'…'.
  const prefix = /^(?:[EeNnXxBb]|[Uu]&)(?=')/.exec(text)?.[0] ?? '';
  const body = text.slice(prefix.length);
  const quote = body[0];
  if (quote !== "'" && quote !== '"') return text;
  const raw = body.slice(1, body.length > 1 && body.endsWith(quote) ? -1 : undefined);
  if (/^[XxBb]$/.test(prefix)) return raw;
  const inner = raw.split(quote + quote).join(quote);
  const backslashes = prefix === 'E' || prefix === 'e' || (dialect === 'mysql' && prefix.length < 2);
  return backslashes ? inner.replace(/\\(.)/gs, '$1') : inner;
}
