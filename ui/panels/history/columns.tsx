/** The History table's features and columns (TanStack Table v9), at module scope so they stay stable. */
import { createColumnHelper } from '@tanstack/react-table';
import { sortableFilterableFeatures, type SortableFilterableFeatures } from '../../app/table/features.js';
import type { RequestSummary } from '../../../server/types.js';
import { formatMs } from '../../app/format.js';
import { requestFlags } from './flags.js';

export const historyTableFeatures = sortableFilterableFeatures;

export type HistoryTableFeatures = SortableFilterableFeatures;

const column = createColumnHelper<HistoryTableFeatures, RequestSummary>();

/** Columns the "Filter requests" box searches. */
export const HISTORY_FILTERED_COLUMNS: ReadonlySet<string> = new Set(['url', 'id']);

const time = (epochMs: number): string => {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
};

export const statusClass = (status: number): string => (status >= 500 ? 'status err' : status >= 400 ? 'status warn' : 'status');

export const historyColumns = column.columns([
  column.accessor('startedAt', {
    id: 'time',
    header: 'Time',
    sortFn: 'basic',
    sortDescFirst: true,
    cell: (info) => <time dateTime={new Date(info.getValue()).toISOString()}>{time(info.getValue())}</time>,
  }),
  column.accessor('method', { header: 'Method', enableSorting: false, cell: (info) => <span className="method">{info.getValue()}</span> }),
  column.accessor('url', { header: 'Path', enableSorting: false, cell: (info) => <span className="url">{info.getValue()}</span> }),
  column.accessor('status', {
    header: 'Status',
    enableSorting: false,
    cell: (info) => <span className={statusClass(info.getValue())}>{info.getValue()}</span>,
  }),
  column.accessor('durationMs', { id: 'duration', header: 'Duration', sortFn: 'basic', sortDescFirst: true, cell: (info) => formatMs(info.getValue(), 1) }),
  column.accessor('queryCount', { id: 'queries', header: 'Queries', sortFn: 'basic', sortDescFirst: true, cell: (info) => info.getValue() }),
  column.display({
    id: 'flags',
    header: 'Flags',
    cell: (info) => (
      <span className="flags">
        {requestFlags(info.row.original).map((flag) => (
          <span key={flag.text} className={`flag ${flag.tone}`} title={flag.title}>
            {flag.text}
          </span>
        ))}
      </span>
    ),
  }),
  column.accessor('id', { header: 'Id', enableSorting: false, cell: (info) => <span className="muted">{info.getValue()}</span> }),
]);
