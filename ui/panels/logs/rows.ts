/** The Logs tab's rows: the request's log lines, with its queries between them when asked, in time order. */
import type { QueryRecord } from '../../../server/types.js';
import type { LogEntry, LogsDetail } from '../../../server/panels/logs/types.js';

export type LogRow =
  | { kind: 'log'; timeMs: number; entry: LogEntry }
  | { kind: 'query'; timeMs: number; query: QueryRecord };

/** `detail.panels.logs` as the server sent it, or null when the request logged nothing. */
export function logsOf(panels: Record<string, unknown> | undefined): LogsDetail | null {
  const logs = panels?.logs as LogsDetail | undefined;
  return logs && Array.isArray(logs.entries) ? logs : null;
}

/**
 * The rows to show: the log lines, and with `withQueries` the SQL at its place among them; a
 * line and a query at the same moment keep the line first (it usually announces the query).
 */
export function logRows(entries: readonly LogEntry[], queries: readonly QueryRecord[], withQueries: boolean): LogRow[] {
  const rows: LogRow[] = entries.map((entry) => ({ kind: 'log', timeMs: entry.timeMs, entry }));
  if (withQueries) for (const query of queries) rows.push({ kind: 'query', timeMs: query.startMs, query });
  // Stable: lines keep the order they were logged in.
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => a.row.timeMs - b.row.timeMs || (a.row.kind === b.row.kind ? a.index - b.index : a.row.kind === 'log' ? -1 : 1))
    .map(({ row }) => row);
}

/** How many lines of each level: the tab's summary. */
export function levelCounts(entries: readonly LogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.level, (counts.get(entry.level) ?? 0) + 1);
  return counts;
}

/** Lines worth the badge's attention. */
export const isProblem = (entry: LogEntry): boolean => entry.level === 'warn' || entry.level === 'error' || entry.level === 'fatal';
