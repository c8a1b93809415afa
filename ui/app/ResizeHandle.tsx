/** The panel's top edge: drag it, or focus it and use the arrow keys, to change the height. */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { MIN_PANEL_HEIGHT } from '../state/ui-state.js';

interface Props {
  height: number;
  onResize: (height: number) => void;
  onResizeEnd: (height: number) => void;
}

const STEP = 24;
const PAGE_STEP = 120;

export function ResizeHandle({ height, onResize, onResizeEnd }: Props) {
  const drag = useRef<{ startY: number; startHeight: number; last: number } | null>(null);
  const max = typeof window === 'undefined' ? height : Math.round(window.innerHeight * 0.9);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { startY: event.clientY, startHeight: height, last: height };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    drag.current.last = drag.current.startHeight + (drag.current.startY - event.clientY);
    onResize(drag.current.last);
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    onResizeEnd(drag.current.last);
    drag.current = null;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next: Record<string, number> = {
      ArrowUp: height + STEP,
      ArrowDown: height - STEP,
      PageUp: height + PAGE_STEP,
      PageDown: height - PAGE_STEP,
      Home: MIN_PANEL_HEIGHT,
      End: max,
    };
    if (!(event.key in next)) return;
    event.preventDefault();
    onResizeEnd(next[event.key]);
  };

  return (
    <div
      className="resize-handle"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize debug toolbar panel"
      aria-valuenow={height}
      aria-valuemin={MIN_PANEL_HEIGHT}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
