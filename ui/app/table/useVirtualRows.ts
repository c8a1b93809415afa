/**
 * Virtualised rows for the panel's long tables (@tanstack/react-virtual): only the rows in and near
 * the tab panel's viewport are in the DOM, spacer rows stand for the others. Rows may have any
 * height (an expanded statement, an open plan): each is measured as it renders. Short tables
 * render whole, so find-in-page and the simple DOM stay for the common case.
 */
import { defaultRangeExtractor, observeElementRect, useVirtualizer, type Range, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type RefObject } from 'react';

/** Up to this many rows a table renders them all. */
export const VIRTUALIZE_ABOVE = 150;
/** Rows rendered past each edge of the viewport: keeps Tab moving into rows that exist. */
const OVERSCAN = 8;
/**
 * The viewport assumed while the scroller has no height: before the first layout, with the panel
 * closed (display: none), and in jsdom, which has no layout at all.
 */
export const FALLBACK_VIEWPORT = 600;
/** Marks a row that belongs to the row before it (a query's plan): measured with that row. */
export const ATTACHED_ROW_ATTRIBUTE = 'data-attached-row';

/** A rendered row, and the space to leave before it for the rows not rendered. */
export interface VirtualSlot {
  item: VirtualItem;
  gapBefore: number;
}

export interface VirtualRows {
  /** Null when the table is short: render every row. */
  slots: VirtualSlot[] | null;
  /** Space after the last rendered row. */
  gapAfter: number;
  /** Ref for each rendered row (the `<tr>` carrying `data-index`). */
  measureRow: (node: HTMLTableRowElement | null) => void;
  /** Ref for a row attached to the one before it: its height counts in that row's. */
  measureAttachedRow: (node: HTMLTableRowElement | null) => void;
  /** Scrolls a row into the viewport, rendered or not. */
  scrollToIndex: (index: number) => void;
  /** Spread on the `<tbody>`: keeps the focused row rendered while it scrolls out of view. */
  bodyProps: { onFocus: (event: FocusEvent<HTMLElement>) => void; onBlur: (event: FocusEvent<HTMLElement>) => void };
}

interface Options {
  count: number;
  /** A stable key per row (the row's id), so measurements survive sorting and filtering. */
  getItemKey: (index: number) => string;
  estimateSize: number;
  body: RefObject<HTMLTableSectionElement | null>;
}

/** The App's tab panel scrolls the table; an element with no layout yet gets the fallback. */
const scrollerOf = (body: HTMLElement | null): HTMLElement | null => body?.closest<HTMLElement>('.tabpanel') ?? null;

function rowHeight(row: Element): number {
  let height = row.getBoundingClientRect().height;
  for (let next = row.nextElementSibling; next?.hasAttribute(ATTACHED_ROW_ATTRIBUTE); next = next.nextElementSibling) {
    height += next.getBoundingClientRect().height;
  }
  return height;
}

/**
 * @example
 * const v = useVirtualRows({ count: rows.length, getItemKey: (i) => rows[i].id, estimateSize: 44, body });
 * // v.slots === null → render all rows; else render v.slots, with spacer rows of gapBefore/gapAfter
 */
export function useVirtualRows({ count, getItemKey, estimateSize, body }: Options): VirtualRows {
  const enabled = count > VIRTUALIZE_ABOVE;
  const focusedIndex = useRef<number | null>(null);
  const [scrollMargin, setScrollMargin] = useState(0);

  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    const focused = focusedIndex.current;
    if (focused === null || focused >= range.count || indexes.includes(focused)) return indexes;
    return [...indexes, focused].sort((a, b) => a - b);
  }, []);

  const virtualizer: Virtualizer<HTMLElement, HTMLTableRowElement> = useVirtualizer({
    enabled,
    count,
    getItemKey,
    estimateSize: () => estimateSize,
    overscan: OVERSCAN,
    scrollMargin,
    rangeExtractor,
    getScrollElement: () => scrollerOf(body.current),
    initialRect: { width: 0, height: FALLBACK_VIEWPORT },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_VIEWPORT })),
    measureElement: (element, _entry, instance) => {
      const height = rowHeight(element);
      if (height > 0) return Math.round(height);
      // No layout (a closed panel, jsdom): keep what was measured, else the estimate.
      const key = instance.options.getItemKey(instance.indexFromElement(element));
      return instance.itemSizeCache.get(key) ?? estimateSize;
    },
  });

  // Where the table body starts in the scroller's content: the toolbar, findings and notices
  // above it change height (a finding opened), so this is read after every render and resize.
  const readMargin = useCallback(() => {
    const node = body.current;
    const scroller = scrollerOf(node);
    if (!node || !scroller) return;
    const outer = scroller.getBoundingClientRect();
    // Not laid out (a closed panel, jsdom): nothing to read, keep the last margin.
    if (outer.height === 0) return;
    const margin = Math.round(node.getBoundingClientRect().top - outer.top + scroller.scrollTop);
    setScrollMargin((old) => (old === margin ? old : margin));
  }, [body]);
  useLayoutEffect(() => {
    if (enabled) readMargin();
  });
  useEffect(() => {
    const table = body.current?.parentElement;
    const container = table?.parentElement;
    if (!enabled || !container || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(readMargin);
    for (const child of container.children) if (child !== table) observer.observe(child);
    return () => observer.disconnect();
  }, [enabled, body, readMargin]);

  // A row's plan loads after the row was measured: measure the row again when the plan resizes.
  const attachedObserver = useMemo(
    () =>
      typeof ResizeObserver === 'function'
        ? new ResizeObserver((entries) => {
            for (const entry of entries) {
              let row = entry.target.previousElementSibling;
              while (row?.hasAttribute(ATTACHED_ROW_ATTRIBUTE)) row = row.previousElementSibling;
              if (row?.isConnected && row.hasAttribute('data-index')) virtualizer.measureElement(row as HTMLTableRowElement);
            }
          })
        : null,
    [virtualizer],
  );
  useEffect(() => () => attachedObserver?.disconnect(), [attachedObserver]);
  const attached = useRef<HTMLTableRowElement | null>(null);
  const measureAttachedRow = useCallback(
    (node: HTMLTableRowElement | null) => {
      if (attached.current) attachedObserver?.unobserve(attached.current);
      attached.current = node;
      if (node) attachedObserver?.observe(node);
    },
    [attachedObserver],
  );

  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-index]');
    focusedIndex.current = row ? Number(row.dataset.index) : null;
  }, []);
  const onBlur = useCallback((event: FocusEvent<HTMLElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focusedIndex.current = null;
  }, []);

  const items = enabled ? virtualizer.getVirtualItems() : null;
  let slots: VirtualSlot[] | null = null;
  let gapAfter = 0;
  if (items) {
    let cursor = scrollMargin;
    slots = items.map((item) => {
      const slot = { item, gapBefore: Math.max(0, item.start - cursor) };
      cursor = item.end;
      return slot;
    });
    gapAfter = Math.max(0, virtualizer.getTotalSize() + scrollMargin - cursor);
  }

  return {
    slots,
    gapAfter,
    measureRow: virtualizer.measureElement,
    measureAttachedRow,
    scrollToIndex: useCallback((index: number) => virtualizer.scrollToIndex(index, { align: 'center' }), [virtualizer]),
    bodyProps: { onFocus, onBlur },
  };
}
