/**
 * The queries table: TanStack Table v9 (`useTable` + `tableFeatures`) for sorting and filtering,
 * its rows virtualised when there are many (a request may keep thousands of queries).
 */
import { SortableHeaderCell } from '../../app/table/SortableHeaderCell.js';
import { useSortableFilterableTable } from '../../app/table/useSortableFilterableTable.js';
import { ATTACHED_ROW_ATTRIBUTE, useVirtualRows } from '../../app/table/useVirtualRows.js';
import { VirtualGap } from '../../app/table/VirtualGap.js';
import { Fragment, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import { pluralize } from '../../app/format.js';
import { useNavigation } from '../../app/navigation.js';
import { FILTERED_COLUMNS, sqlColumns } from './columns.js';
import { useSqlRowContext } from './context.js';
import { useExplainContext } from './explain/context.js';
import { ExplainView } from './explain/ExplainView.js';

/** A one-line statement with its params under it. */
const ROW_ESTIMATE = 46;

interface Props {
  queries: QueryRecord[];
  /** Shown at the start of the toolbar row, before the filter box. */
  summary?: ReactNode;
  /** Shown between the toolbar and the table: the findings. */
  children?: ReactNode;
}

export function QueryTable({ queries, summary, children }: Props) {
  const [filter, setFilter] = useState('');
  const groups = useSqlRowContext();
  const explain = useExplainContext();
  const { focus, clearFocus } = useNavigation();
  const onlyIds = focus?.kind === 'only' ? focus.ids : null;
  const data = useMemo(() => {
    if (!onlyIds) return queries;
    const keep = new Set(onlyIds);
    return queries.filter((q) => keep.has(q.id));
  }, [queries, onlyIds]);
  const highlightId = focus?.kind === 'query' ? focus.id : null;
  const body = useRef<HTMLTableSectionElement>(null);

  const table = useSortableFilterableTable({
    columns: sqlColumns,
    data,
    getRowId: (query) => String(query.id),
    initialSort: { id: 'id', desc: false },
    // Typing stays responsive over thousands of rows: the table catches up with the box.
    filter: useDeferredValue(filter),
    onFilterChange: setFilter,
    filteredColumns: FILTERED_COLUMNS,
  });
  const rows = table.getRowModel().rows;
  const virtual = useVirtualRows({
    count: rows.length,
    getItemKey: useCallback((index: number) => rows[index]?.id ?? String(index), [rows]),
    estimateSize: ROW_ESTIMATE,
    body,
  });

  // A request to show one query: make sure the filter does not hide it, then, once its row is
  // rendered (scrolled to first when the rows are virtualised), scroll to it and focus it (once
  // per request, so typing later keeps the focus).
  const focusKey = focus?.kind === 'query' ? focus.key : null;
  const pending = useRef<number | null>(null);
  const scrolledFor = useRef<number | null>(null);
  useEffect(() => {
    if (focusKey === null) return;
    pending.current = focusKey;
    setFilter('');
  }, [focusKey]);
  useEffect(() => {
    if (pending.current === null || highlightId === null) return;
    const row = body.current?.querySelector<HTMLElement>(`tr[data-query-id="${highlightId}"]`);
    if (!row) {
      const index = rows.findIndex((r) => r.original.id === highlightId);
      if (index >= 0 && virtual.slots && scrolledFor.current !== pending.current) {
        scrolledFor.current = pending.current;
        virtual.scrollToIndex(index);
      }
      return;
    }
    pending.current = null;
    row.scrollIntoView?.({ block: 'center' });
    row.focus({ preventScroll: true });
  });

  const explainIndex = explain.openId === null ? -1 : rows.findIndex((r) => r.original.id === explain.openId);
  // Virtualised, the table tells assistive technology how many rows there are and where each is.
  const ariaRowIndex = (index: number): number | undefined =>
    virtual.slots ? index + 2 + (explainIndex >= 0 && explainIndex < index ? 1 : 0) : undefined;

  const renderRow = (index: number) => {
    const row = rows[index];
    const q = row.original;
    const className = [
      groups.duplicates.has(q.id) && 'is-duplicate',
      groups.nPlusOne.has(q.id) && 'is-nplusone',
      q.error && 'is-error',
      q.id === highlightId && 'is-highlighted',
    ]
      .filter(Boolean)
      .join(' ');
    const rowIndex = ariaRowIndex(index);
    return (
      <Fragment key={row.id}>
        <tr
          ref={virtual.slots ? virtual.measureRow : undefined}
          data-index={index}
          className={className || undefined}
          data-query-id={q.id}
          tabIndex={q.id === highlightId ? -1 : undefined}
          aria-current={q.id === highlightId ? 'true' : undefined}
          aria-rowindex={rowIndex}
        >
          {row.getAllCells().map((cell) => (
            <td key={cell.id} className={`col-${cell.column.id}`}>
              <table.FlexRender cell={cell} />
            </td>
          ))}
        </tr>
        {explain.openId === q.id && (
          <tr
            className="explain-row"
            {...{ [ATTACHED_ROW_ATTRIBUTE]: '' }}
            ref={virtual.slots ? virtual.measureAttachedRow : undefined}
            aria-rowindex={rowIndex === undefined ? undefined : rowIndex + 1}
          >
            <td colSpan={sqlColumns.length}>
              <ExplainView query={q} />
            </td>
          </tr>
        )}
      </Fragment>
    );
  };

  return (
    <>
      <div className="toolbar">
        {summary}
        <span className="spacer" />
        {onlyIds && focus?.kind === 'only' && (
          <span className="focus-chip">
            Only {focus.label} ({pluralize(onlyIds.length, 'query', 'queries')})
            <button type="button" className="small-button" onClick={clearFocus}>
              Show all queries
            </button>
          </span>
        )}
        {filter && (
          <span className="muted" aria-live="polite">
            {rows.length} of {data.length} shown
          </span>
        )}
        <input
          type="text"
          autoComplete="off"
          spellCheck={false}
          className="filter"
          aria-label="Filter queries"
          placeholder="Filter SQL or call site…"
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
      {children}
      <table
        className="queries"
        aria-label="SQL queries"
        aria-rowcount={virtual.slots ? rows.length + 1 + (explainIndex >= 0 ? 1 : 0) : undefined}
      >
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
                  {gapBefore > 0 && <VirtualGap height={gapBefore} colSpan={sqlColumns.length} />}
                  {renderRow(item.index)}
                </Fragment>
              ))
            : rows.map((_row, index) => renderRow(index))}
          {virtual.slots && virtual.gapAfter > 0 && <VirtualGap height={virtual.gapAfter} colSpan={sqlColumns.length} />}
          {rows.length === 0 && (
            <tr>
              <td className="empty" colSpan={sqlColumns.length}>
                {queries.length === 0 ? 'No queries ran during this request.' : 'No queries match the filter.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
