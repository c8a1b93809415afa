/** SQL literals for inlining bound parameters, per dialect. */
import type { Dialect } from '../../../server/types.js';

const quote = (text: string, dialect: Dialect): string =>
  `'${(dialect === 'mysql' ? text.replace(/\\/g, '\\\\') : text).replace(/'/g, "''")}'`;

/**
 * Writes a parameter value as a SQL literal the dialect would accept.
 *
 * @example
 * toSqlLiteral("O'Reilly", 'postgres') // → 'O''Reilly'
 * toSqlLiteral(true, 'mysql')          // → 1
 * toSqlLiteral([1, 2], 'postgres')     // → ARRAY[1, 2]
 */
export function toSqlLiteral(value: unknown, dialect: Dialect): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quote(value, dialect);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quote(String(value), dialect);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') {
    if (dialect === 'postgres') return value ? 'TRUE' : 'FALSE';
    return value ? '1' : '0';
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'NULL' : quote(value.toISOString(), dialect);
  if (Array.isArray(value)) {
    if (dialect === 'postgres') {
      return value.length === 0 ? `'{}'` : `ARRAY[${value.map((v) => toSqlLiteral(v, dialect)).join(', ')}]`;
    }
    return `(${value.map((v) => toSqlLiteral(v, dialect)).join(', ')})`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return quote(json ?? String(value), dialect);
}
