/** The queries table: TanStack Table v9 (`useTable` + `tableFeatures`) for sorting and filtering. */
import { SortableHeaderCell } from '../../app/table/SortableHeaderCell.js';
import { useSortableFilterableTable } from '../../app/table/useSortableFilterableTable.js';
import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import { pluralize } from '../../app/format.js';
import { useNavigation } from '../../app/navigation.js';
import { FILTERED_COLUMNS, sqlColumns } from './columns.js';
import { useSqlRowContext } from './context.js';
import { useExplainContext } from './explain/context.js';
import { ExplainView } from './explain/ExplainView.js';


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

  // A request to show one query: make sure the filter does not hide it, then, once its row is
  // rendered, scroll to it and focus it (once per request, so typing later keeps the focus).
  const focusKey = focus?.kind === 'query' ? focus.key : null;
  const pending = useRef<number | null>(null);
  useEffect(() => {
    if (focusKey === null) return;
    pending.current = focusKey;
    setFilter('');
  }, [focusKey]);
  useEffect(() => {
    if (pending.current === null || highlightId === null) return;
    const row = body.current?.querySelector<HTMLElement>(`tr[data-query-id="${highlightId}"]`);
    if (!row) return;
    pending.current = null;
    row.scrollIntoView?.({ block: 'center' });
    row.focus({ preventScroll: true });
  });

  const table = useSortableFilterableTable({
    columns: sqlColumns,
    data,
    getRowId: (query) => String(query.id),
    initialSort: { id: 'id', desc: false },
    filter,
    onFilterChange: setFilter,
    filteredColumns: FILTERED_COLUMNS,
  });
  const rows = table.getRowModel().rows;

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
      <table className="queries" aria-label="SQL queries">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <SortableHeaderCell key={header.id} header={header}>
                  <table.FlexRender header={header} />
                </SortableHeaderCell>
              ))}
            </tr>
          ))}
        </thead>
        <tbody ref={body}>
          {rows.map((row) => {
            const q = row.original;
            const className = [
              groups.duplicates.has(q.id) && 'is-duplicate',
              groups.nPlusOne.has(q.id) && 'is-nplusone',
              q.error && 'is-error',
              q.id === highlightId && 'is-highlighted',
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <Fragment key={row.id}>
                <tr
                  className={className || undefined}
                  data-query-id={q.id}
                  tabIndex={q.id === highlightId ? -1 : undefined}
                  aria-current={q.id === highlightId ? 'true' : undefined}
                >
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} className={`col-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
                {explain.openId === q.id && (
                  <tr className="explain-row">
                    <td colSpan={sqlColumns.length}>
                      <ExplainView query={q} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
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
