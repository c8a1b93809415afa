/**
 * The recorded requests: filter by text, method and status; sort by time, duration, queries; click
 * to select. Static assets are hidden until the "Static files" box is ticked.
 */
import { SortableHeaderCell } from '../../app/table/SortableHeaderCell.js';
import { useSortableFilterableTable } from '../../app/table/useSortableFilterableTable.js';
import { useVirtualRows } from '../../app/table/useVirtualRows.js';
import { VirtualGap } from '../../app/table/VirtualGap.js';
import { Fragment, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { RequestSummary } from '../../../server/types.js';
import { readShowStatic, writeShowStatic } from '../../state/ui-state.js';
import { HISTORY_FILTERED_COLUMNS, historyColumns } from './columns.js';
import { isStaticAsset } from './flags.js';

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
/** One line of text per request. */
const ROW_ESTIMATE = 31;

interface Props {
  requests: RequestSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Shown at the start of the toolbar row. */
  summary?: ReactNode;
}

export function HistoryTable({ requests, selectedId, onSelect, summary }: Props) {
  const [filter, setFilter] = useState('');
  const [method, setMethod] = useState('');
  const [statusClass, setStatusClass] = useState('');
  const [showStatic, setShowStatic] = useState(readShowStatic);
  const methods = useMemo(() => [...new Set(requests.map((r) => r.method))].sort(), [requests]);
  const staticCount = useMemo(() => requests.reduce((n, r) => n + (isStaticAsset(r) ? 1 : 0), 0), [requests]);
  const data = useMemo(
    () =>
      requests.filter(
        (r) =>
          (showStatic || !isStaticAsset(r)) && (!method || r.method === method) && (!statusClass || `${Math.floor(r.status / 100)}xx` === statusClass),
      ),
    [requests, method, statusClass, showStatic],
  );

  const table = useSortableFilterableTable({
    columns: historyColumns,
    data,
    getRowId: (r) => r.id,
    initialSort: { id: 'time', desc: true },
    filter,
    onFilterChange: setFilter,
    filteredColumns: HISTORY_FILTERED_COLUMNS,
  });
  const rows = table.getRowModel().rows;
  // A large `capacity` keeps thousands of requests: only the rows in view are rendered.
  const body = useRef<HTMLTableSectionElement>(null);
  const virtual = useVirtualRows({
    count: rows.length,
    getItemKey: useCallback((index: number) => rows[index]?.id ?? String(index), [rows]),
    estimateSize: ROW_ESTIMATE,
    body,
  });

  const renderRow = (index: number) => {
    const row = rows[index];
    const selected = row.original.id === selectedId;
    return (
      <tr
        key={row.id}
        ref={virtual.slots ? virtual.measureRow : undefined}
        data-index={index}
        data-request-id={row.original.id}
        className={selected ? 'is-selected' : undefined}
        aria-current={selected ? 'true' : undefined}
        aria-rowindex={virtual.slots ? index + 2 : undefined}
        tabIndex={0}
        onClick={() => onSelect(row.original.id)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            onSelect(row.original.id);
          }
        }}
      >
        {row.getAllCells().map((cell) => (
          <td key={cell.id} className={`col-${cell.column.id}`}>
            <table.FlexRender cell={cell} />
          </td>
        ))}
      </tr>
    );
  };

  return (
    <>
      <div className="toolbar">
        {summary}
        <span className="spacer" />
        {(filter || method || statusClass || (!showStatic && staticCount > 0)) && (
          <span className="muted" aria-live="polite">
            {rows.length} of {requests.length} shown
          </span>
        )}
        <label className="static-toggle" title="Stylesheets, scripts, images, fonts and media">
          <input
            type="checkbox"
            checked={showStatic}
            onChange={(event) => {
              setShowStatic(event.target.checked);
              writeShowStatic(event.target.checked);
            }}
          />{' '}
          Static files ({staticCount})
        </label>
        <select aria-label="Method" className="filter-select" value={method} onChange={(e) => setMethod(e.target.value)}>
          <option value="">All methods</option>
          {methods.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <select aria-label="Status" className="filter-select" value={statusClass} onChange={(e) => setStatusClass(e.target.value)}>
          <option value="">All statuses</option>
          {STATUS_CLASSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input
          type="text"
          autoComplete="off"
          spellCheck={false}
          className="filter"
          aria-label="Filter requests"
          placeholder="Filter path or id…"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && filter) {
              event.preventDefault();
              setFilter('');
            }
          }}
        />
      </div>
      <table className="queries history" aria-label="Recorded requests" aria-rowcount={virtual.slots ? rows.length + 1 : undefined}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={virtual.slots ? 1 : undefined}>
              {group.headers.map((header) => (
                <SortableHeaderCell key={header.id} header={header}>
                  <table.FlexRender header={header} />
                </SortableHeaderCell>
              ))}
            </tr>
          ))}
        </thead>
        <tbody ref={body} {...virtual.bodyProps}>
          {virtual.slots
            ? virtual.slots.map(({ item, gapBefore }) => (
                <Fragment key={item.key}>
                  {gapBefore > 0 && <VirtualGap height={gapBefore} colSpan={historyColumns.length} />}
                  {renderRow(item.index)}
                </Fragment>
              ))
            : rows.map((_row, index) => renderRow(index))}
          {virtual.slots && virtual.gapAfter > 0 && <VirtualGap height={virtual.gapAfter} colSpan={historyColumns.length} />}
          {rows.length === 0 && (
            <tr>
              <td className="empty" colSpan={historyColumns.length}>
                {requests.length === 0
                  ? 'No requests recorded yet.'
                  : requests.length === staticCount && !showStatic
                    ? 'Only static files so far: tick "Static files" to list them.'
                    : 'No requests match the filters.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
