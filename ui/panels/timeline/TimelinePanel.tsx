/**
 * The Timeline tab: a waterfall of the request's spans on one time axis. Rows nest by parent and
 * collapse; bars are coloured by kind; hovering or focusing a bar shows its details; a query's bar
 * opens it in the SQL tab. Rows are memoised, so hovering re-renders only the details line.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { spanLabel } from './span-label.js';
import { formatCallSite } from '../sql/callsite.js';
import type { TimelineSpan } from '../../../server/types.js';
import { formatMs } from '../../app/format.js';
import { useNavigation } from '../../app/navigation.js';
import type { PanelViewProps } from '../../app/panel.js';
import { ROW_HEIGHT, useRowWindow } from './useRowWindow.js';
import { buildSpanTree, KNOWN_KINDS, kindClass, queryIdOfSpan, timeAxis, visibleRows, type SpanRow, type TimeAxis } from './tree.js';

export const EMPTY_TIMELINE = 'No timeline was recorded for this request.';

export function TimelinePanel({ detail }: PanelViewProps) {
  const spans = useMemo(() => detail.panels.timeline?.spans ?? [], [detail.panels.timeline]);
  const roots = useMemo(() => buildSpanTree(spans), [spans]);
  const axis = useMemo(() => timeAxis(spans), [spans]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(roots, collapsed), [roots, collapsed]);
  const [active, setActive] = useState<TimelineSpan | null>(null);
  const { showQuery } = useNavigation();

  const toggle = useCallback((id: string) => {
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const open = useCallback(
    (span: TimelineSpan) => {
      const queryId = queryIdOfSpan(span);
      if (queryId !== null) showQuery(queryId);
      else setActive(span);
    },
    [showQuery],
  );
  const parentIds = useMemo(() => visibleRows(roots, new Set()).filter((r) => r.childCount > 0).map((r) => r.span.id), [roots]);

  const scroller = useRef<HTMLDivElement>(null);
  const { window: win, scrollToRow } = useRowWindow(scroller, rows.length);
  // Arrow keys move between bars, also to rows not rendered yet: scroll there, then focus.
  const pendingFocus = useRef<number | null>(null);
  useEffect(() => {
    if (pendingFocus.current === null) return;
    const bar = scroller.current?.querySelector<HTMLElement>(`li[data-index="${pendingFocus.current}"] .tl-bar`);
    if (bar) {
      pendingFocus.current = null;
      bar.focus();
    }
  });
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('li[data-index]');
    if (!item) return;
    const index = Number(item.dataset.index);
    const row = rows[index];
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1 };
    if (event.key in moves) {
      const target = Math.min(rows.length - 1, Math.max(0, moves[event.key]));
      event.preventDefault();
      pendingFocus.current = target;
      scrollToRow(target);
    } else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && row?.childCount) {
      const isCollapsed = collapsed.has(row.span.id);
      if (isCollapsed === (event.key === 'ArrowRight')) {
        event.preventDefault();
        toggle(row.span.id);
      }
    }
  };

  if (spans.length === 0) return <p className="state">{EMPTY_TIMELINE}</p>;

  return (
    <div className="timeline">
      <div className="tl-toolbar">
        <Legend spans={spans} />
        <span className="spacer" />
        <button type="button" className="small-button" onClick={() => setCollapsed(new Set())} disabled={collapsed.size === 0}>
          Expand all
        </button>
        <button type="button" className="small-button" onClick={() => setCollapsed(new Set(parentIds))}>
          Collapse all
        </button>
      </div>
      <SpanDetails span={active} />
      <div className="tl-axis" aria-hidden="true">
        <span className="tl-label-col muted">{spans.length} spans</span>
        <span className="tl-track">
          {axis.ticks.map((t) => (
            <span key={t} className="tl-tick" style={{ left: pct(t, axis) }}>
              {formatTick(t, axis)}
            </span>
          ))}
        </span>
      </div>
      <div className="tl-scroll" ref={scroller}>
        <div className="tl-content">
          <div className="tl-lines" aria-hidden="true">
            {axis.ticks.map((t) => (
              <span key={t} style={{ left: pct(t, axis) }} />
            ))}
          </div>
          <ul
            className="tl-rows"
            aria-label="Spans"
            style={{ paddingTop: win.first * ROW_HEIGHT, paddingBottom: (rows.length - win.last) * ROW_HEIGHT }}
            onKeyDown={onKeyDown}
          >
            {rows.slice(win.first, win.last).map((row, k) => (
              <SpanRowView
                key={row.span.id}
                row={row}
                index={win.first + k}
                setSize={rows.length}
                axis={axis}
                expanded={row.childCount > 0 ? !collapsed.has(row.span.id) : undefined}
                onToggle={toggle}
                onActive={setActive}
                onOpen={open}
              />
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

const pct = (ms: number, axis: TimeAxis): string => `${(((ms - axis.start) / (axis.end - axis.start)) * 100).toFixed(3)}%`;

const formatTick = (ms: number, axis: TimeAxis): string => {
  const span = axis.end - axis.start;
  return ms >= 1000 && span >= 2000 ? `${(ms / 1000).toFixed(1)} s` : `${Number(ms.toFixed(span < 5 ? 2 : span < 50 ? 1 : 0))} ms`;
};

/** The accessible and tooltip text of a span: what, which kind, when, how long. */
export function describeSpan(span: TimelineSpan): string {
  const timing = span.kind === 'milestone' ? `at ${formatMs(span.startMs, 1)}` : `starts ${formatMs(span.startMs, 1)}, takes ${formatMs(span.durationMs, 2)}`;
  return `${span.name} (${span.kind}), ${timing}`;
}

interface RowProps {
  row: SpanRow;
  index: number;
  setSize: number;
  axis: TimeAxis;
  expanded: boolean | undefined;
  onToggle: (id: string) => void;
  onActive: (span: TimelineSpan | null) => void;
  onOpen: (span: TimelineSpan) => void;
}

const SpanRowView = memo(function SpanRowView({ row, index, setSize, axis, expanded, onToggle, onActive, onOpen }: RowProps) {
  const { span, depth, childCount } = row;
  const kind = kindClass(span.kind);
  const queryId = queryIdOfSpan(span);
  const total = axis.end - axis.start;
  const width = Math.max(0, span.durationMs ?? 0) / total;
  const startShare = (span.startMs - axis.start) / total;
  // The duration label goes inside a wide bar, after a short one, or before one that ends late.
  const durPlace = width > 0.15 ? 'inside' : startShare + width <= 0.85 ? 'after' : 'before';
  const durStyle =
    durPlace === 'inside'
      ? { left: `calc(${pct(span.startMs, axis)} + 4px)` }
      : durPlace === 'after'
        ? { left: `calc(${pct(span.startMs + Math.max(0, span.durationMs), axis)} + 4px)` }
        : { right: `calc(${(100 - startShare * 100).toFixed(3)}% + 4px)` };
  const label = describeSpan(span) + (queryId !== null ? '; opens query ' + queryId + ' in the SQL tab' : '');
  return (
    <li className={`tl-row kind-${kind}`} data-index={index} aria-posinset={index + 1} aria-setsize={setSize}>
      <span className="tl-label-col" style={{ paddingLeft: 4 + depth * 12 }}>
        {expanded !== undefined ? (
          <button
            type="button"
            className="tl-toggle"
            aria-expanded={expanded}
            aria-label={`${span.name}: ${childCount} nested`}
            onClick={() => onToggle(span.id)}
          >
            <svg viewBox="0 0 16 16" width="9" height="9" aria-hidden="true" focusable="false">
              <path d="M5 3l6 5-6 5z" fill="currentColor" />
            </svg>
          </button>
        ) : (
          <span className="tl-toggle-space" />
        )}
        <span className="tl-dot" aria-hidden="true" />
        <span className="tl-name" title={span.registeredAt ? `${span.name}\nregistered at ${span.registeredAt.file}:${span.registeredAt.line}` : span.name}>
          {spanLabel(span)}
        </span>
      </span>
      <span className="tl-track">
        <button
          type="button"
          className={kind === 'milestone' ? 'tl-bar milestone' : 'tl-bar'}
          style={{ left: pct(span.startMs, axis), width: kind === 'milestone' ? undefined : `${(width * 100).toFixed(3)}%` }}
          aria-label={label}
          title={span.detail ? `${label}\n${span.detail}` : label}
          onMouseEnter={() => onActive(span)}
          onFocus={() => onActive(span)}
          onClick={() => onOpen(span)}
        />
        {kind !== 'milestone' && (
          <span className={`tl-dur ${durPlace}`} style={durStyle} aria-hidden="true">
            {formatMs(span.durationMs, span.durationMs < 10 ? 2 : 1)}
          </span>
        )}
      </span>
    </li>
  );
});

function SpanDetails({ span }: { span: TimelineSpan | null }) {
  return (
    <div className="tl-details">
      {span ? (
        <>
          <span className={`tl-swatch kind-${kindClass(span.kind)}`} aria-hidden="true" />
          <strong className="tl-details-name">{span.name}</strong>
          <span className="muted">{span.kind}</span>
          <span>start {formatMs(span.startMs, 2)}</span>
          <span>duration {formatMs(span.durationMs, 2)}</span>
          {span.detail && <span className="tl-detail-text">{span.detail}</span>}
          {span.registeredAt && <span className="tl-detail-text">registered at {formatCallSite(span.registeredAt)}</span>}
        </>
      ) : (
        <span className="muted">Hover or focus a bar for its details (↑/↓ move, ←/→ fold); a query's bar opens it in the SQL tab.</span>
      )}
    </div>
  );
}

function Legend({ spans }: { spans: readonly TimelineSpan[] }) {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(kindClass(span.kind), (counts.get(kindClass(span.kind)) ?? 0) + 1);
  const order = [...KNOWN_KINDS, 'other'].filter((kind) => counts.has(kind));
  return (
    <ul className="tl-legend" aria-label="Span kinds">
      {order.map((kind) => (
        <li key={kind} className={`kind-${kind}`}>
          <span className="tl-swatch" aria-hidden="true" />
          {kind} <span className="muted">{counts.get(kind)}</span>
        </li>
      ))}
    </ul>
  );
}
