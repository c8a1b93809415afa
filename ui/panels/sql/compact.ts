/** One-line SQL for the collapsed row: runs of whitespace become one space, except inside literals. */
import type { Dialect } from '../../../server/types.js';
import { tokenize } from './tokenize.js';

/**
 * @example
 * compactSql("SELECT *\n  FROM t WHERE a = '  x  '", 'postgres') // → "SELECT * FROM t WHERE a = '  x  '"
 */
export function compactSql(sql: string, dialect: Dialect): string {
  const tokens = tokenize(sql.trim(), dialect);
  return tokens
    .map((token, i) => {
      if (token.type !== 'whitespace') return token.text;
      // A line comment (`--`, MySQL's `#`) ends at the newline; keep it so the rest is not read as comment.
      const previous = tokens[i - 1];
      return previous?.type === 'comment' && !previous.text.startsWith('/*') ? '\n' : ' ';
    })
    .join('');
}
