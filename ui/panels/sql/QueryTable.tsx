/** The queries table: TanStack Table v9 (`useTable` + `tableFeatures`) for sorting and filtering. */
import { useTable, type Header } from '@tanstack/react-table';
import { useState, type ReactNode } from 'react';
import type { QueryRecord } from '../../../server/types.js';
import { FILTERED_COLUMNS, sqlColumns, sqlTableFeatures, type SqlTableFeatures } from './columns.js';
import { useSqlRowContext } from './context.js';

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

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
  const table = useTable({
    features: sqlTableFeatures,
    columns: sqlColumns,
    data: queries,
    getRowId: (query) => String(query.id),
    initialState: { sorting: [{ id: 'id', desc: false }] },
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { globalFilter: filter },
    onGlobalFilterChange: setFilter,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (column) => FILTERED_COLUMNS.has(column.id),
  });
  const rows = table.getRowModel().rows;

  return (
    <>
      <div className="toolbar">
        {summary}
        <span className="spacer" />
        {filter && (
          <span className="muted" aria-live="polite">
            {rows.length} of {queries.length} shown
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
                <HeaderCell key={header.id} header={header}>
                  <table.FlexRender header={header} />
                </HeaderCell>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.map((row) => {
            const q = row.original;
            const className = [
              groups.duplicates.has(q.id) && 'is-duplicate',
              groups.nPlusOne.has(q.id) && 'is-nplusone',
              q.error && 'is-error',
            ]
              .filter(Boolean)
              .join(' ');
            return (
              <tr key={row.id} className={className || undefined}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={`col-${cell.column.id}`}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
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

function HeaderCell({ header, children }: { header: Header<SqlTableFeatures, QueryRecord, unknown>; children: ReactNode }) {
  const column = header.column;
  const className = `col-${column.id}`;
  if (header.isPlaceholder) return <th className={className} />;
  if (!column.getCanSort()) {
    return (
      <th className={className} scope="col">
        {children}
      </th>
    );
  }
  const sorted = column.getIsSorted();
  return (
    <th className={className} scope="col" aria-sort={sorted ? ARIA_SORT[sorted] : 'none'}>
      <button type="button" className="sort-button" onClick={column.getToggleSortingHandler()}>
        {children}
        <span className={sorted ? 'sort-icon active' : 'sort-icon'} aria-hidden="true">
          {sorted === 'desc' ? '▼' : sorted === 'asc' ? '▲' : '↕'}
        </span>
      </button>
    </th>
  );
}
