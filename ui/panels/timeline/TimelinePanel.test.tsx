// @vitest-environment jsdom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { PANELS } from '../../app/panels.js';
import { App } from '../../app/App.js';
import type { RequestDetail } from '../../../server/types.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { withTimeline } from '../../testing/panel-details.js';
import { setupDom } from '../../testing/dom.js';
import { timelinePanel } from './index.js';
import { manySpans, sampleTimeline } from '../../testing/sample-timeline.js';
import { EMPTY_TIMELINE, TimelinePanel } from './TimelinePanel.js';
import { buildSpanTree, niceStep, timeAxis, visibleRows } from './tree.js';

const dom = setupDom();
const detail: RequestDetail = withTimeline(sampleDetail, sampleTimeline);
const render = (d: RequestDetail = detail) => dom.render(<TimelinePanel detail={d} mountPath="/__toolbar" />);
const names = () => [...dom.container.querySelectorAll('.tl-row .tl-name')].map((n) => n.textContent);

describe('timeline model', () => {
  it('nests by parentId, orders children by start, and keeps orphans and cycles as roots', () => {
    const spans = [
      ...sampleTimeline,
      { id: 'orphan', parentId: 'gone', kind: 'query' as const, name: 'orphan', startMs: 50, durationMs: 1 },
      { id: 'c1', parentId: 'c2', kind: 'http' as const, name: 'c1', startMs: 60, durationMs: 1 },
      { id: 'c2', parentId: 'c1', kind: 'http' as const, name: 'c2', startMs: 61, durationMs: 1 },
    ];
    const rows = visibleRows(buildSpanTree(spans), new Set());
    expect(rows).toHaveLength(spans.length);
    expect(rows.filter((r) => r.depth === 0).map((r) => r.span.id)).toEqual(['request', 'orphan', 'c1', 'c2']);
    expect(rows.slice(0, 4).map((r) => [r.span.id, r.depth])).toEqual([['request', 0], ['s1', 1], ['s2', 1], ['s7', 1]]);
    expect(visibleRows(buildSpanTree(sampleTimeline), new Set(['s3'])).map((r) => r.span.id)).not.toContain('query-1');
  });

  it('puts round ticks on a shared axis', () => {
    expect(timeAxis(sampleTimeline)).toEqual({ start: 0, end: 48.2, ticks: [0, 10, 20, 30, 40] });
    expect([niceStep(0.7), niceStep(3), niceStep(13), niceStep(400)]).toEqual([1, 5, 20, 500]);
  });
});

describe('TimelinePanel', () => {
  it('draws one row per span with bars offset and sized on the shared axis, and the tick labels', async () => {
    await render();
    expect(names()).toHaveLength(sampleTimeline.length);
    expect(names()[0]).toBe('GET /orders?page=1');
    expect([...dom.container.querySelectorAll('.tl-tick')].map((t) => t.textContent)).toEqual(['0 ms', '10 ms', '20 ms', '30 ms', '40 ms']);
    const bar = dom.button(/^listOrders \(handler\)/);
    // 3.1 / 48.2 and 38.5 / 48.2 of the track.
    expect(bar.style.left).toBe('6.432%');
    expect(bar.style.width).toBe('79.876%');
    expect(bar.getAttribute('aria-label')).toBe('listOrders (handler), starts 3.1 ms, takes 38.50 ms');
  });

  it('labels a handler with its route and the line that registered it, also in its details', async () => {
    const registeredAt = { file: '/srv/app/routes/articles.js', line: 14, column: 8, function: null };
    await render(withTimeline(detail, sampleTimeline.map((s) => (s.kind === 'handler' ? { ...s, name: 'asyncHandler', detail: 'GET /articles/:slug', registeredAt } : s))));
    const name = [...dom.container.querySelectorAll('.tl-row.kind-handler .tl-name')].map((n) => n.textContent);
    expect(name).toEqual(['asyncHandler · GET /articles/:slug (app/routes/articles.js:14)']);
    await act(async () => dom.button(/^asyncHandler \(handler\)/).focus());
    expect(dom.container.querySelector('.tl-details')!.textContent).toContain('registered at app/routes/articles.js:14');
  });

  it('colours rows by kind, unknown kinds neutral, with a legend of the kinds present', async () => {
    await render();
    const row = (name: string) => [...dom.container.querySelectorAll('.tl-row')].find((r) => r.querySelector('.tl-name')!.textContent === name)!;
    expect(row('jsonParser · body-parser').className).toBe('tl-row kind-middleware');
    expect(row('SELECT * FROM users WHERE id = $1').className).toBe('tl-row kind-query');
    expect(row('cache lookup').className).toBe('tl-row kind-other');
    const legend = dom.container.querySelector('[aria-label="Span kinds"]')!;
    expect([...legend.querySelectorAll('li')].map((li) => [li.className, li.textContent])).toEqual([
      ['kind-request', 'request 1'],
      ['kind-middleware', 'middleware 2'],
      ['kind-handler', 'handler 1'],
      ['kind-query', 'query 7'],
      ['kind-render', 'render 2'],
      ['kind-http', 'http 1'],
      ['kind-milestone', 'milestone 1'],
      ['kind-other', 'other 1'],
    ]);
  });

  it('collapses and expands nested rows with aria-expanded buttons', async () => {
    await render();
    const toggle = dom.button('listOrders: 9 nested');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await dom.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(names()).not.toContain('orders/list');
    // Its 9 children and the partial nested under the render.
    expect(names()).toHaveLength(sampleTimeline.length - 10);
    await dom.click(toggle);
    expect(names()).toContain('partials/order-row');
    await dom.click(dom.button('Collapse all'));
    expect(names()).toEqual(['GET /orders?page=1']);
    await dom.click(dom.button('Expand all'));
    expect(names()).toHaveLength(sampleTimeline.length);
  });

  it('shows a span’s details on focus and opens a query span in the SQL tab', async () => {
    await render();
    const bar = dom.button(/^GET https:\/\/rates/);
    await act(async () => bar.focus());
    expect(dom.container.querySelector('.tl-details')!.textContent).toBe(
      'GET https://rates.example.com/eurhttpstart 17.20 msduration 12.40 ms200 · 1.2 kB',
    );
  });

  // How long it takes is measured by `npm run bench` (bench/timeline-render.tsx), not here.
  it('renders 500 spans drawing only the rows in view', async () => {
    await render(withTimeline(detail, manySpans(500)));
    const items = dom.container.querySelectorAll('.tl-row');
    expect(items.length).toBeGreaterThan(20);
    expect(items.length).toBeLessThan(100);
    expect(items[0].getAttribute('aria-setsize')).toBe('500');
    const list = dom.container.querySelector<HTMLElement>('ul[aria-label="Spans"]')!;
    expect(parseInt(list.style.paddingBottom, 10)).toBe((500 - items.length) * 22);
    // Scrolling to the end draws the last rows.
    const scroller = dom.container.querySelector<HTMLElement>('.tl-scroll')!;
    await act(async () => {
      scroller.scrollTop = 499 * 22;
      scroller.dispatchEvent(new Event('scroll'));
    });
    const last = [...dom.container.querySelectorAll('.tl-row')].at(-1)!;
    expect(last.getAttribute('aria-posinset')).toBe('500');
  });

  it('moves between bars with the arrow keys, into rows not drawn yet', async () => {
    await render(withTimeline(detail, manySpans(300)));
    const first = dom.container.querySelector<HTMLElement>('.tl-row .tl-bar')!;
    await act(async () => first.focus());
    await dom.key(first, 'ArrowDown');
    expect(document.activeElement?.closest('li')?.getAttribute('aria-posinset')).toBe('2');
    await dom.key(document.activeElement!, 'End');
    expect(document.activeElement?.closest('li')?.getAttribute('aria-posinset')).toBe('300');
    expect(document.activeElement?.getAttribute('aria-label')).toMatch(/^SELECT \* FROM t WHERE id = 299 \(query\)/);
  });

  it('opens a query span in the SQL tab, with that query highlighted', async () => {
    localStorage.setItem('express-debug-toolbar:tab', JSON.stringify('timeline'));
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(detail), { status: 200 }));
    await dom.render(<App requestId="abc-12" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    await vi.waitFor(() => expect(dom.container.querySelector('.tl-row')).not.toBeNull());
    expect(dom.button(/^Timeline/).getAttribute('aria-selected')).toBe('true');
    await dom.click(dom.button(/^SELECT \* FROM order_items WHERE order_id = \$1 \(query\), starts 8\.3 ms/));
    expect(dom.button(/^SQL/).getAttribute('aria-selected')).toBe('true');
    const row = dom.container.querySelector('tr[data-query-id="4"]')!;
    expect(row.classList.contains('is-highlighted')).toBe(true);
    expect(document.activeElement).toBe(row);
    localStorage.clear();
  });

  it('says so when there is no timeline, and badges the span count', async () => {
    await render(withTimeline(detail, []));
    expect(dom.container.textContent).toBe(EMPTY_TIMELINE);
    expect(timelinePanel.badge(detail)).toEqual({ text: String(sampleTimeline.length) });
    expect(timelinePanel.badge(withTimeline(detail, []))).toBeNull();
    // A record without the panel's part (the server leaves out a panel with nothing to show).
    const without: RequestDetail = { ...detail, panels: { ...detail.panels, timeline: undefined } };
    await render(without);
    expect(dom.container.textContent).toBe(EMPTY_TIMELINE);
    expect(timelinePanel.badge(without)).toBeNull();
  });
});
