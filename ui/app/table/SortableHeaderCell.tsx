import type { Header, RowData } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import type { SortableFilterableFeatures } from './features.js';

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

/** A column header: a sort button with `aria-sort` when the column sorts, plain text otherwise. */
export function SortableHeaderCell<TData extends RowData>({ header, children }: {
  header: Header<SortableFilterableFeatures, TData, unknown>;
  children: ReactNode;
}) {
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
