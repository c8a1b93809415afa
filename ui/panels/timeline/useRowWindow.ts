/**
 * Windowing for long lists of fixed-height rows: only the rows in (and near) the scroller's
 * viewport are rendered. Short lists render whole, so find-in-page keeps working for them.
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';

export const ROW_HEIGHT = 22;
/** Below this many rows everything is rendered. */
export const WINDOW_THRESHOLD = 150;
const OVERSCAN = 10;
/** When the scroller has no height yet (first paint, jsdom), assume this much. */
const FALLBACK_VIEWPORT = 600;

export interface RowWindow {
  first: number;
  /** Exclusive. */
  last: number;
}

/**
 * @example
 * rowWindow(500, 2200, 440) // → { first: 90, last: 130 }
 */
export function rowWindow(count: number, scrollTop: number, viewport: number): RowWindow {
  if (count <= WINDOW_THRESHOLD) return { first: 0, last: count };
  const height = viewport > 0 ? viewport : FALLBACK_VIEWPORT;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return { first: Math.min(first, last), last };
}

export function useRowWindow(scroller: RefObject<HTMLElement | null>, count: number): { window: RowWindow; scrollToRow: (index: number) => void } {
  const [view, setView] = useState({ top: 0, height: 0 });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const read = () => setView((old) => (old.top === el.scrollTop && old.height === el.clientHeight ? old : { top: el.scrollTop, height: el.clientHeight }));
    read();
    el.addEventListener('scroll', read, { passive: true });
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null;
    observer?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      observer?.disconnect();
    };
  }, [scroller]);
  const scrollToRow = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const top = index * ROW_HEIGHT;
      const height = el.clientHeight || FALLBACK_VIEWPORT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + height) el.scrollTop = top + ROW_HEIGHT - height;
      setView({ top: el.scrollTop, height: el.clientHeight });
    },
    [scroller],
  );
  return { window: rowWindow(count, view.top, view.height), scrollToRow };
}
