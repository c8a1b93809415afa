import type { Dialect } from '../../../types.js';
import { PG_NON_UNRESERVED_KEYWORDS } from './pg-keywords.js';

/** Words that cannot stand as bare identifiers in at least one of the dialects: quote them everywhere. */
const RESERVED = new Set([
  'ALL', 'ALTER', 'ANALYSE', 'ANALYZE', 'AND', 'ANY', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CHECK', 'COLUMN',
  'CONSTRAINT', 'CREATE', 'CROSS', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEFAULT',
  'DELETE', 'DESC', 'DISTINCT', 'DROP', 'ELSE', 'END', 'EXISTS', 'FALSE', 'FETCH', 'FOR', 'FOREIGN', 'FROM', 'FULL',
  'GRANT', 'GROUP', 'HAVING', 'IN', 'INDEX', 'INNER', 'INSERT', 'INTO', 'IS', 'JOIN', 'KEY', 'LEFT', 'LIKE', 'LIMIT',
  'NATURAL', 'NOT', 'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'PRIMARY', 'RANGE', 'READ', 'REFERENCES', 'RIGHT',
  'ROWS', 'SELECT', 'SESSION_USER', 'SET', 'TABLE', 'THEN', 'TO', 'TRUE', 'UNION', 'UNIQUE', 'UPDATE', 'USER', 'USING',
  'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/**
 * An identifier as `dialect` needs it written: bare when it is a plain lower-case (PostgreSQL) or
 * ASCII (MySQL, SQLite) name and not reserved; otherwise quoted, with the quote doubled inside.
 * For PostgreSQL this is exactly `quote_identifier`, so it also spells names the way plans print them.
 *
 * @example
 * quoteIdent('author_id', 'postgres') // 'author_id'
 * quoteIdent('authorId', 'postgres')  // '"authorId"'
 * quoteIdent('order', 'mysql')        // '`order`'
 */
export function quoteIdent(name: string, dialect: Dialect): string {
  const bare = dialect === 'postgres'
    ? /^[a-z_][a-z0-9_]*$/.test(name) && !PG_NON_UNRESERVED_KEYWORDS.has(name)
    : /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase());
  if (bare) return name;
  const quote = dialect === 'mysql' ? '`' : '"';
  return quote + name.split(quote).join(quote + quote) + quote;
}

/** `posts_author_id_status_idx`, cut to the 63 characters PostgreSQL keeps (MySQL allows 64). */
export function indexName(table: string, columns: string[]): string {
  const name = `${table}_${columns.join('_')}`.replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase();
  return `${name.slice(0, 59)}_idx`;
}
