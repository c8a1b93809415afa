// @vitest-environment jsdom
/*
 * A request that kept 10,000 queries (issue 7): the table renders a window of rows, not 10,000;
 * sorting, filtering, expanding, "show this query" and keyboard focus still work. jsdom has no
 * layout: the scroller has no height, so the table assumes a fallback viewport, and rows measure
 * as their estimate.
 */
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { DuplicateGroup, QueryRecord, RequestDetail } from '../../../server/types.js';
import { Announcer } from '../../app/announcer.js';
import { FALLBACK_VIEWPORT, VIRTUALIZE_ABOVE } from '../../app/table/useVirtualRows.js';
import { setupDom } from '../../testing/dom.js';
import { CHIPS_SHOWN, FINDINGS_SHOWN } from './Findings.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { sqlOf, withSql } from '../../testing/panel-details.js';
import { SqlPanel } from './SqlPanel.js';

const N = 10_000;
const LOOKUP = 'SELECT * FROM order_items WHERE order_id = $1';
const site = (line: number) => ({ file: '/home/dev/shop/src/routes/orders.ts', line, column: 5, function: 'listOrders' });

/** One list query, then one lookup per order (every 200th a refund lookup, run twice: duplicates). */
function manyQueries(): RequestDetail {
  const queries: QueryRecord[] = [];
  const duplicates: DuplicateGroup[] = [];
  const db = { dialect: 'postgres', driver: 'pg', database: 'shop', explainKey: 'pg:shop' } as const;
  const add = (sql: string, params: unknown[], line: number, fingerprint: string) =>
    queries.push({ id: queries.length + 1, sql, params, startMs: queries.length * 0.1, durationMs: 0.05 + (queries.length % 7) / 10, rowCount: 1, db, fingerprint, callSite: site(line) });
  add('SELECT id FROM orders ORDER BY id', [], 10, 'f-orders');
  while (queries.length < N) {
    const i = queries.length;
    if (i % 200 === 0 && queries.length + 2 <= N) {
      add(`SELECT * FROM refunds WHERE order_id = ${i}`, [], 20, `f-refund-${i}`);
      add(`SELECT * FROM refunds WHERE order_id = ${i}`, [], 20, `f-refund-${i}`);
      duplicates.push({ fingerprint: `f-refund-${i}`, sql: `SELECT * FROM refunds WHERE order_id = ${i}`, queryIds: [i + 1, i + 2], count: 2 });
    } else {
      add(LOOKUP, [i], 13, 'f-items');
    }
  }
  const lookups = queries.filter((q) => q.fingerprint === 'f-items').map((q) => q.id);
  return withSql({ ...sampleDetail, queryCount: N, duplicateCount: duplicates.length, nPlusOneCount: 1, overBudget: true }, {
    totalQueryMs: queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0),
    queries,
    duplicates,
    similar: [],
    nPlusOne: [{ ...sqlOf(sampleDetail).nPlusOne[0], sql: LOOKUP, fingerprint: 'f-items', count: lookups.length, queryIds: lookups, parentQueryId: 1 }],
  });
}

const detail = manyQueries();
/** The scroller's height, and the rows' (their estimate: jsdom measures them as 0). */
const VIEWPORT = 500;
const ROW = 46;
const dom = setupDom();

/**
 * The panel inside a scroller like the App's tab panel, which the virtualised rows listen to. jsdom
 * lays nothing out, so the scroller is given the sizes a browser would report.
 */
function giveLayout(node: HTMLDivElement | null) {
  if (!node) return;
  Object.defineProperty(node, 'clientHeight', { configurable: true, get: () => VIEWPORT });
  Object.defineProperty(node, 'scrollHeight', { configurable: true, get: () => ROW * N + 200 });
}
async function render() {
  await dom.render(
    <Announcer>
      <div className="tabpanel" ref={giveLayout}>
        <SqlPanel detail={detail} mountPath="/__toolbar" />
      </div>
    </Announcer>,
  );
}
const scroller = () => dom.container.querySelector<HTMLElement>('.tabpanel')!;
const table = () => dom.container.querySelector('table.queries')!;
const rows = () => [...dom.container.querySelectorAll<HTMLTableRowElement>('table.queries > tbody > tr[data-query-id]')];
const ids = () => rows().map((r) => Number(r.dataset.queryId));
const gaps = () => [...dom.container.querySelectorAll<HTMLTableRowElement>('table.queries > tbody > tr.virtual-gap')];
const gapHeight = (row: HTMLTableRowElement) => Number.parseFloat(row.cells[0].style.height);
const filterBox = () => dom.container.querySelector<HTMLInputElement>('input[aria-label="Filter queries"]')!;

async function scrollTo(top: number) {
  await act(async () => {
    scroller().scrollTop = top;
    scroller().dispatchEvent(new Event('scroll'));
  });
}
async function type(text: string) {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  await act(async () => {
    setValue.call(filterBox(), text);
    filterBox().dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('SQL panel with 10,000 queries', () => {
  it('says 10,000 but renders only a window of rows, with spacer rows for the rest', async () => {
    const start = performance.now();
    await render();
    const ms = performance.now() - start;
    expect(dom.container.querySelector('.summary')!.textContent).toContain(`${N} queries`);
    const rendered = rows().length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect(ids().slice(0, 3)).toEqual([1, 2, 3]);
    // One spacer after the window stands for the other ~9,970 rows.
    expect(gaps()).toHaveLength(1);
    expect(gapHeight(gaps()[0])).toBeGreaterThan(40 * (N - rendered));
    expect(gaps()[0].getAttribute('aria-hidden')).toBe('true');
    // Assistive technology still hears "row 2 of 10,001" (the header row is row 1).
    expect(table().getAttribute('aria-rowcount')).toBe(String(N + 1));
    expect(rows()[0].getAttribute('aria-rowindex')).toBe('2');
    console.info(`[ui] 10,000 queries: first render ${ms.toFixed(0)} ms, ${rendered} rows in the DOM`);
  });

  it('renders later rows when scrolled, and keeps the window small', async () => {
    await render();
    await scrollTo(ROW * 5000);
    const shown = ids();
    expect(shown.length).toBeLessThan(100);
    expect(Math.min(...shown)).toBeGreaterThan(4900);
    expect(Math.max(...shown)).toBeLessThan(5100);
    expect(gaps()).toHaveLength(2);
    await scrollTo(ROW * N);
    expect(ids()).toContain(N);
    expect(rows().length).toBeLessThan(100);
  });

  it('sorts all 10,000 (not only the rendered ones)', async () => {
    await render();
    const header = [...dom.container.querySelectorAll('th')].find((th) => th.textContent?.includes('#'))!;
    await dom.click(header.querySelector('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(ids().slice(0, 3)).toEqual([N, N - 1, N - 2]);
    expect(rows().length).toBeLessThan(100);
  });

  it('filters all 10,000: a short result renders whole, a long one stays windowed', async () => {
    await render();
    await type('refunds');
    expect(dom.container.textContent).toContain(`${sqlOf(detail).duplicates.length * 2} of ${N} shown`);
    expect(sqlOf(detail).duplicates.length * 2).toBeLessThanOrEqual(VIRTUALIZE_ABOVE);
    expect(rows()).toHaveLength(sqlOf(detail).duplicates.length * 2);
    expect(gaps()).toHaveLength(0);
    expect(table().hasAttribute('aria-rowcount')).toBe(false);

    await type('order_items');
    expect(dom.container.textContent).toContain(`${sqlOf(detail).nPlusOne[0].count} of ${N} shown`);
    expect(rows().length).toBeLessThan(100);
    expect(rows().every((r) => r.textContent?.includes('order_items'))).toBe(true);
  });

  it('expands a rendered row to its formatted statement', async () => {
    await render();
    const expand = rows()[1].querySelector<HTMLButtonElement>('button[aria-label="Show formatted SQL"]')!;
    await dom.click(expand);
    expect(expand.getAttribute('aria-expanded')).toBe('true');
  });

  it('keeps the focused row rendered when it scrolls out of the window', async () => {
    await render();
    const copy = rows()[2].querySelector<HTMLButtonElement>('button[aria-label="Copy SQL"]')!;
    await act(async () => copy.focus());
    expect(document.activeElement).toBe(copy);
    await scrollTo(ROW * 5000);
    expect(ids()).toContain(3);
    expect(copy.isConnected).toBe(true);
    expect(document.activeElement).toBe(copy);
    // The rows between are a spacer, not rendered.
    expect(ids()).not.toContain(100);
    expect(gaps().length).toBeGreaterThanOrEqual(2);
  });

  it('a finding with ~9,900 queries lists the first ones and shows more on request; a chip scrolls to its row', async () => {
    await render();
    // jsdom has no scrollTo, which the virtualizer scrolls the tab panel with; a browser reports
    // the scroll in a later task.
    const el = scroller();
    el.scrollTo = ((options: ScrollToOptions) => {
      el.scrollTop = options.top ?? el.scrollTop;
      setTimeout(() => act(() => el.dispatchEvent(new Event('scroll'))));
    }) as typeof el.scrollTo;
    const findings = dom.container.querySelector('[aria-label="Findings"]')!;
    // 1 N+1 and 49 duplicate groups: the first 20 are listed.
    const total = 1 + sqlOf(detail).duplicates.length;
    expect(total).toBe(50);
    expect(findings.querySelectorAll('.finding')).toHaveLength(FINDINGS_SHOWN);
    await dom.click(dom.button(`Show 30 more findings (30 not shown)`));
    expect(findings.querySelectorAll('.finding')).toHaveLength(total);

    await dom.click(findings.querySelector('.finding.danger .finding-toggle'));
    const chips = () => [...findings.querySelectorAll('.finding.danger .finding-queries .query-chip')];
    expect(chips()).toHaveLength(CHIPS_SHOWN);
    const count = sqlOf(detail).nPlusOne[0].count;
    await dom.click(dom.button(`Show 500 more queries (${count - CHIPS_SHOWN} not shown)`));
    expect(chips()).toHaveLength(CHIPS_SHOWN + 500);

    const far = sqlOf(detail).nPlusOne[0].queryIds[520];
    expect(ids()).not.toContain(far);
    await dom.click(dom.button(`Show query ${far} in the table`));
    await vi.waitFor(() => expect(ids()).toContain(far));
    const row = rows().find((r) => Number(r.dataset.queryId) === far)!;
    expect(row.getAttribute('aria-current')).toBe('true');
    await vi.waitFor(() => expect(document.activeElement).toBe(row));
  });

  it('stays under the fallback viewport worth of rows plus overscan', async () => {
    await render();
    expect(rows().length).toBeLessThanOrEqual(Math.ceil(FALLBACK_VIEWPORT / ROW) + 2 * 8 + 1);
  });
});
