/**
 * "Copy SQL with params": puts the bound parameters into the statement so it can be pasted into
 * a SQL console. Placeholders are found with the tokenizer, so a `?` or `$1` inside a string
 * literal, a quoted identifier or a comment stays as it is, and `$10` is never read as `$1`.
 */
import type { Dialect } from '../../../server/types.js';
import { toSqlLiteral } from './literal.js';
import { tokenize } from './tokenize.js';

/**
 * @example
 * inlineParams('SELECT * FROM users WHERE id = $1', [42], 'postgres')
 * // → 'SELECT * FROM users WHERE id = 42'
 */
export function inlineParams(sql: string, params: readonly unknown[], dialect: Dialect): string {
  if (params.length === 0) return sql;
  let next = 0; // the next positional `?`
  return tokenize(sql, dialect)
    .map((token) => {
      if (token.type !== 'param') return token.text;
      const index = placeholderIndex(token.text, dialect, () => next++);
      return index !== null && index >= 0 && index < params.length ? toSqlLiteral(params[index], dialect) : token.text;
    })
    .join('');
}

/** The 0-based parameter a placeholder refers to; null for named ones we cannot resolve. */
function placeholderIndex(text: string, dialect: Dialect, nextPositional: () => number): number | null {
  if (dialect === 'postgres') return text.startsWith('$') ? Number(text.slice(1)) - 1 : null;
  if (text === '?') return nextPositional();
  if (text.startsWith('?')) return Number(text.slice(1)) - 1; // SQLite ?NNN
  return null;
}
