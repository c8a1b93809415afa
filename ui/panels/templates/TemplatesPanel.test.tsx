// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { RequestDetail } from '../../../server/types.js';
import { App } from '../../app/App.js';
import { PANELS } from '../../app/panels.js';
import { setupDom } from '../../testing/dom.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { withTemplates } from '../../testing/panel-details.js';
import { templatesPanel } from './index.js';
import { sampleTemplates } from '../../testing/sample-templates.js';
import { EMPTY_TEMPLATES, TemplatesPanel } from './TemplatesPanel.js';
import { slowestTemplate, templateRows } from './tree.js';

const dom = setupDom();
const detail: RequestDetail = withTemplates(sampleDetail, sampleTemplates);
const render = (d: RequestDetail = detail) => dom.render(<TemplatesPanel detail={d} mountPath="/__toolbar" />);
const rows = () => [...dom.container.querySelectorAll<HTMLTableRowElement>('table[aria-label="Rendered templates"] tbody tr')];
const names = () => rows().map((r) => r.querySelector('.tpl-title')!.textContent);

describe('template tree', () => {
  it('nests by parentId with self times, and finds the largest self time', () => {
    expect(templateRows(sampleTemplates).map((r) => [r.template.id, r.depth, Number(r.selfMs.toFixed(2))])).toEqual([
      ['t1', 0, 2.7],
      ['t2', 1, 5.8],
      ['t3', 2, 0.4],
      ['t4', 1, 0.9],
    ]);
    expect(slowestTemplate(sampleTemplates)).toBe('t2');
    expect(slowestTemplate([])).toBeNull();
  });

  it('leaves compile time out of self time: an include compiled on the first render is not the slowest for it', () => {
    const [view, row] = sampleTemplates;
    const compiledView = { ...view, durationMs: 30, compileMs: 20 };
    const rowsOf = templateRows([compiledView, row]);
    expect(rowsOf.map((r) => Number(r.selfMs.toFixed(2)))).toEqual([3.8, 6.2]);
    expect(slowestTemplate([compiledView, row])).toBe(row.id);
  });
});

describe('TemplatesPanel', () => {
  it('shows the render tree with engine, short file (full in title), times, query counts and locals', async () => {
    await render();
    expect(names()).toEqual(['orders/list', 'partials/order-row', 'partials/price', 'partials/footer']);
    const [list, row, , footer] = rows();
    expect(row.cells[0].style.paddingLeft).toBe('24px');
    expect(list.cells[1].textContent).toBe('ejs');
    const file = list.cells[2].querySelector('span')!;
    expect(file.textContent).toBe('views/orders/list.ejs');
    expect(file.getAttribute('title')).toBe('/home/dev/shop/views/orders/list.ejs');
    expect(list.cells[3].textContent).toBe('9.80 ms');
    expect(list.cells[4].textContent).toBe('2.70 ms');
    expect(list.cells[5].textContent).toBe('3');
    expect([...list.cells[6].querySelectorAll('code')].map((c) => c.textContent)).toEqual(['orders', 'user', 'page']);
    expect(footer.cells[2].textContent).toBe('—');
    expect(footer.cells[5].querySelector('button')).toBeNull();
  });

  it('says when a render compiled, and how long that took', async () => {
    await render(withTemplates(detail, sampleTemplates.map((t) => (t.id === 't3' ? { ...t, compileMs: 1.5 } : t))));
    const flags = rows().map((r) => [...r.querySelectorAll('.flag')].map((f) => f.textContent));
    expect(flags[2]).toEqual(['compiled 1.50 ms']);
    expect(rows()[2].querySelector('.flag')!.getAttribute('title')).toContain('not in its self time');
  });

  it('marks the template with the largest self time as the slowest', async () => {
    await render();
    const marked = rows().filter((r) => r.classList.contains('is-slowest'));
    expect(marked).toHaveLength(1);
    expect(marked[0].querySelector('.tpl-title')!.textContent).toBe('partials/order-row');
    expect(marked[0].querySelector('.flag')!.textContent).toBe('slowest');
  });

  it('collapses nested templates', async () => {
    await render();
    const toggle = dom.button('orders/list: 2 nested');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await dom.click(toggle);
    expect(names()).toEqual(['orders/list']);
    await dom.click(toggle);
    expect(names()).toHaveLength(4);
  });

  it('says so when nothing was rendered, and has no badge then', async () => {
    await render(withTemplates(detail, []));
    expect(dom.container.textContent).toBe(EMPTY_TEMPLATES);
    expect(templatesPanel.badge(withTemplates(detail, []))).toBeNull();
    // A record without the panel's part (the server leaves out a panel with nothing to show).
    const without: RequestDetail = { ...detail, panels: { ...detail.panels, templates: undefined } };
    await render(without);
    expect(dom.container.textContent).toBe(EMPTY_TEMPLATES);
    expect(templatesPanel.badge(without)).toBeNull();
    expect(templatesPanel.badge(detail)).toEqual({ text: '4' });
  });

  it('opens the SQL tab filtered to a template’s queries, reversibly', async () => {
    localStorage.setItem('express-debug-toolbar:tab', JSON.stringify('templates'));
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(detail), { status: 200 }));
    await dom.render(<App requestId="abc-12" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    await dom.click(dom.button('Show the 2 queries of partials/order-row in the SQL tab'));
    expect(dom.button(/^SQL/).getAttribute('aria-selected')).toBe('true');
    const ids = () => [...dom.container.querySelectorAll('tr[data-query-id]')].map((r) => r.getAttribute('data-query-id'));
    expect(ids()).toEqual(['5', '6']);
    expect(dom.container.querySelector('.focus-chip')!.textContent).toContain('Only template partials/order-row (2 queries)');
    await dom.click(dom.button('Show all queries'));
    expect(ids()).toHaveLength(7);
    localStorage.clear();
  });
});
