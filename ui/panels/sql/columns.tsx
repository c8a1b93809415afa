/** The SQL table's features and columns (TanStack Table v9), at module scope so they stay stable. */
import { createColumnHelper } from '@tanstack/react-table';
import { sortableFilterableFeatures, type SortableFilterableFeatures } from '../../app/table/features.js';
import type { QueryRecord } from '../../../server/types.js';
import { formatCallSite } from './callsite.js';
import { CallSiteCell, DurationCell, SqlCell } from './cells.js';
import { CopyButtons } from './CopyButtons.js';
import { ExplainButton } from './explain/ExplainButton.js';

export const sqlTableFeatures = sortableFilterableFeatures;

export type SqlTableFeatures = SortableFilterableFeatures;

const column = createColumnHelper<SqlTableFeatures, QueryRecord>();

/** Columns the "Filter queries" box searches. */
export const FILTERED_COLUMNS: ReadonlySet<string> = new Set(['sql', 'callSite']);

export const sqlColumns = column.columns([
  column.accessor('id', {
    header: '#',
    sortFn: 'basic',
    // Execution order first; a second click shows the last queries first.
    sortDescFirst: false,
    cell: (info) => info.getValue(),
  }),
  column.accessor('sql', {
    header: 'SQL',
    enableSorting: false,
    cell: (info) => <SqlCell query={info.row.original} />,
  }),
  column.accessor((q) => q.durationMs ?? undefined, {
    id: 'duration',
    header: 'Duration',
    sortFn: 'basic',
    sortDescFirst: true,
    sortUndefined: 'last',
    cell: (info) => <DurationCell ms={info.getValue()} />,
  }),
  column.accessor((q) => q.rowCount ?? undefined, {
    id: 'rows',
    header: 'Rows',
    enableSorting: false,
    cell: (info) => info.getValue() ?? '—',
  }),
  column.accessor((q) => formatCallSite(q.callSite, false), {
    id: 'callSite',
    header: 'Call site',
    enableSorting: false,
    cell: (info) => <CallSiteCell site={info.row.original.callSite} />,
  }),
  column.display({
    id: 'actions',
    header: () => <span className="sr-only">Actions</span>,
    cell: (info) => (
      <div className="row-actions">
        <ExplainButton query={info.row.original} />
        <CopyButtons query={info.row.original} />
      </div>
    ),
  }),
]);
