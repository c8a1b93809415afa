import { useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { sortableFilterableFeatures, type SortableFilterableFeatures } from './features.js';

export interface SortableFilterableTableOptions<TData extends RowData> {
  columns: ColumnDef<SortableFilterableFeatures, TData, any>[];
  data: TData[];
  getRowId: (row: TData) => string;
  /** The column sorted by at first, and its direction. */
  initialSort: { id: string; desc: boolean };
  filter: string;
  onFilterChange: (filter: string) => void;
  /** Ids of the columns the text filter searches. */
  filteredColumns: ReadonlySet<string>;
}

/**
 * A table of the panel: one sort at a time that never goes back to unsorted, and one text filter
 * over some columns. The SQL and History tables differ only in what they pass here.
 */
export function useSortableFilterableTable<TData extends RowData>(options: SortableFilterableTableOptions<TData>) {
  return useTable({
    features: sortableFilterableFeatures,
    columns: options.columns,
    data: options.data,
    getRowId: options.getRowId,
    initialState: { sorting: [options.initialSort] },
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { globalFilter: options.filter },
    onGlobalFilterChange: options.onFilterChange,
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (column) => options.filteredColumns.has(column.id),
  });
}
