/**
 * "Copy SQL with params": puts the bound parameters into the statement so it can be pasted into
 * a SQL console. Placeholders and what each binds are the server's lexer's (lexer.ts), so a `?`
 * or `$1` inside a string literal, a quoted identifier or a comment stays as it is, `$10` is
 * never read as `$1`, and SQLite's `?` after `?2` is the third param, as SQLite binds it.
 */
import type { Dialect } from '../../../server/types.js';
import { lex } from '../../../server/panels/sql/lexer.js';
import { bindings } from '../../../server/panels/sql/placeholders.js';
import { toSqlLiteral } from './literal.js';

/**
 * @example
 * inlineParams('SELECT * FROM users WHERE id = $1', [42], 'postgres')
 * // → 'SELECT * FROM users WHERE id = 42'
 */
export function inlineParams(sql: string, params: readonly unknown[], dialect: Dialect): string {
  if (params.length === 0) return sql;
  let out = '';
  let at = 0;
  for (const [token, binding] of bindings(sql, lex(sql, dialect))) {
    // Named placeholders (`:id`, `@id`) stay: the params are a list.
    if (!('position' in binding) || binding.position >= params.length) continue;
    out += sql.slice(at, token.start) + toSqlLiteral(params[binding.position], dialect);
    at = token.end;
  }
  return out + sql.slice(at);
}
