/** The SQL panel's launcher badge as the server sends it (server/panels/sql/index.ts `badge`), for launcher tests. */
import type { PanelBadge } from '../launcher/config.js';

/**
 * @example
 * sqlBadge(7, { duplicated: 2 }) // → { id: 'sql', label: 'SQL', text: '7', say: '7 queries, 2 duplicated', tone: 'warn', … }
 */
export function sqlBadge(queries: number, { duplicated = 0, warn }: { duplicated?: number; warn?: boolean } = {}): PanelBadge {
  warn ??= duplicated > 0;
  const say = [`${queries} ${queries === 1 ? 'query' : 'queries'}`, ...(duplicated ? [`${duplicated} duplicated`] : [])].join(', ');
  return {
    id: 'sql', label: 'SQL', text: String(queries), say, ...(warn ? { tone: 'warn' as const } : {}),
    fetches: { sum: 'queryCount', warnIf: ['duplicateCount', 'nPlusOneCount', 'overBudget'] },
  };
}

/** The tag's `data-badges` value, HTML-attribute-escaped. */
export const badgesAttribute = (...badges: PanelBadge[]): string => JSON.stringify(badges).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
