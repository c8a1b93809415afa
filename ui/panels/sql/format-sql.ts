/**
 * Pretty-printing with sql-formatter, loaded only for dialects we use and in its own chunk.
 * Imported lazily through `useFormattedSql`; never statically from the app.
 */
import { formatDialect, mysql, postgresql, sqlite } from 'sql-formatter';
import type { Dialect } from '../../../server/types.js';

const DIALECTS = { postgres: postgresql, mysql, sqlite } as const;

/** Formats `sql`; on any formatter error (odd vendor syntax), returns it unchanged. */
export function formatSql(sql: string, dialect: Dialect): string {
  try {
    return formatDialect(sql, { dialect: DIALECTS[dialect] ?? postgresql, tabWidth: 2, keywordCase: 'preserve' });
  } catch {
    return sql;
  }
}
