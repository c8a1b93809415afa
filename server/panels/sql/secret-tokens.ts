import type { Dialect } from '../../types.js';
import { codeTokens, type Token } from './explain/sql-tokens.js';

/*
 * The token-level reading secret-plan.ts builds on: placeholders and what they bind, matching
 * parentheses and subquery scopes, column lists, the values literals write.
 */

export const isName = (t: Token | undefined): t is Token => t !== undefined && (t.type === 'word' || t.type === 'ident');
export const isValue = (t: Token | undefined) => t !== undefined && (t.type === 'param' || t.type === 'string' || t.type === 'number');
export const isPunct = (t: Token | undefined, value: string) => t !== undefined && t.type === 'punct' && t.value === value;
export const isWord = (t: Token | undefined, value: string) => t !== undefined && t.type === 'word' && t.value === value;

/** A placeholder's binding: a 0-based position or a name. */
export type Binding = { position: number } | { name: string };

/**
 * Tokens with mysql2's `:name` placeholders joined (the shared tokenizer reads them as `:` and a
 * word), and the binding of every placeholder: `$n`, `?`, `?NNN` (SQLite: one more than the
 * largest so far), `:name`/`@name`/`$name`.
 *
 * @example
 * bindTokens('SELECT * FROM t WHERE a = ? AND b = ?', 'mysql').bindings // two tokens → { position: 0 }, { position: 1 }
 */
export function bindTokens(sql: string, dialect: Dialect): { tokens: Token[]; bindings: Map<Token, Binding> } {
  const raw = codeTokens(sql, dialect);
  const tokens: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const next = raw[i + 1];
    if (dialect === 'mysql' && isPunct(t, ':') && next?.type === 'word' && next.start === t.end && !isPunct(raw[i - 1], ':')) {
      tokens.push({ type: 'param', value: sql.slice(t.start, next.end), start: t.start, end: next.end });
      i++;
      continue;
    }
    tokens.push(t);
  }
  const bindings = new Map<Token, Binding>();
  let largest = 0;
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    const text = sql.slice(t.start, t.end);
    if (text[0] === '$' && /^\$\d+$/.test(text)) {
      const n = Number(text.slice(1));
      bindings.set(t, { position: n - 1 });
      largest = Math.max(largest, n);
    } else if (text === '?') {
      // PostgreSQL's `?` is the jsonb operator, never a placeholder.
      if (dialect === 'postgres') continue;
      largest += 1;
      bindings.set(t, { position: largest - 1 });
    } else if (/^\?\d+$/.test(text)) {
      const n = Number(text.slice(1));
      bindings.set(t, { position: n - 1 });
      largest = Math.max(largest, n);
    } else if (/^[:@$]/.test(text)) {
      bindings.set(t, { name: text.slice(1) });
    }
  }
  return { tokens, bindings };
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
  if (!/^[Ee'"$]/.test(text)) return text;
  const dollar = /^(\$[A-Za-z_0-9]*\$)([^]*)\1$/.exec(text);
  if (dollar) return dollar[2];
  const prefixed = /^[Ee]'/.test(text);
  const body = prefixed ? text.slice(1) : text;
  const quote = body[0];
  const inner = body.slice(1, body.length > 1 && body.endsWith(quote) ? -1 : undefined).split(quote + quote).join(quote);
  return prefixed || dialect === 'mysql' ? inner.replace(/\\(.)/gs, '$1') : inner;
}
