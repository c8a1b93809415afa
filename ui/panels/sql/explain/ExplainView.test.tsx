// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { ExplainResponse, RequestDetail } from '../../../../server/types.js';
import { Announcer } from '../../../app/announcer.js';
import { setupDom } from '../../../testing/dom.js';
import { sampleDetail } from '../sample-detail.js';
import { SqlPanel } from '../SqlPanel.js';
import { isReadStatement, readPlan } from './plan.js';

const dom = setupDom();
const render = (detail: RequestDetail = sampleDetail) =>
  dom.render(
    <Announcer>
      <SqlPanel detail={detail} mountPath="/__toolbar" />
    </Announcer>,
  );

const node = (operation: string, fields: Partial<ExplainResponse['nodes'][number]> = {}) => ({
  operation, relation: null, index: null, estimatedRows: null, actualRows: null, cost: null, timeMs: null, filter: null, children: [], ...fields,
});

const plan = (analyzed: boolean): ExplainResponse => ({
  dialect: 'postgres',
  plan: [],
  text: 'Sort  (cost=40.1 rows=120)\n  -> Seq Scan on order_items  (cost=35.5 rows=120)',
  analyzed,
  nodes: [
    node('Sort', {
      cost: 40.1, estimatedRows: 120, actualRows: analyzed ? 118 : null, timeMs: analyzed ? 2.5 : null,
      children: [node('Seq Scan', {
        relation: 'order_items', cost: 35.5, estimatedRows: 120, actualRows: analyzed ? 118 : null, timeMs: analyzed ? 2.1 : null,
        filter: '(order_id = 101)',
      })],
    }),
  ],
  suggestions: [{ title: 'Index order_items(order_id)', reason: 'The scan reads every row to find 2.', code: 'CREATE INDEX ON order_items (order_id);' }],
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const bodyOf = (call: unknown[]) => JSON.parse((call[1] as RequestInit).body as string);

describe('readPlan and isReadStatement', () => {
  it('measures by cost without ANALYZE and marks the largest self cost as hot', () => {
    const view = readPlan(plan(false).nodes);
    expect(view.measure).toBe('cost');
    expect(view.rows.map((r) => [r.node.operation, r.depth, r.self, r.hot])).toEqual([
      ['Sort', 0, expect.closeTo(4.6, 5), false],
      ['Seq Scan', 1, 35.5, true],
    ]);
  });
  it('measures by time when analyzed', () => {
    expect(readPlan(plan(true).nodes).measure).toBe('time');
  });
  it.each([
    ['SELECT 1', true],
    ['  /* c */ (select 1)', true],
    ['WITH a AS (SELECT 1) SELECT * FROM a', true],
    ['WITH a AS (DELETE FROM t RETURNING *) SELECT * FROM a', false],
    ['UPDATE t SET a = 1', false],
    ['INSERT INTO t VALUES (1)', false],
  ])('%s → %s', (sql, read) => expect(isReadStatement(sql)).toBe(read));
});

describe('Explain view', () => {
  it('offers Explain only for queries with an explain key', async () => {
    const queries = sampleDetail.queries.map((q) => (q.id === 1 ? { ...q, db: { dialect: 'postgres' as const, driver: 'pg' } } : q));
    await render({ ...sampleDetail, queries });
    expect(dom.container.querySelector('button[aria-label="Explain query 1"]')).toBeNull();
    expect(dom.button('Explain query 2').getAttribute('aria-expanded')).toBe('false');
  });

  it('posts the request id, query id and analyze flag with the toolbar header, and renders the plan', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => json(200, plan(bodyOf([_url, init]).analyze)));
    await render();
    const open = dom.button('Explain query 4');
    await dom.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/__toolbar/api/explain');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json', 'X-Debug-Toolbar': '1', Accept: 'application/json' });
    expect(init.body).toBe('{"requestId":"abc-12","queryId":4,"analyze":false}');

    const view = dom.container.querySelector('[role="region"][aria-label="Query plan for query 4"]')!;
    // Under its own row, and focused for the keyboard.
    expect(view.closest('tr')!.previousElementSibling!.getAttribute('data-query-id')).toBe('4');
    expect(document.activeElement).toBe(view);
    await vi.waitFor(() => expect(view.querySelector('table[aria-label="Plan nodes"]')).not.toBeNull());
    const rows = [...view.querySelectorAll('table[aria-label="Plan nodes"] tbody tr')];
    expect(rows.map((r) => r.querySelector('.plan-op')!.textContent)).toEqual(['Sort', '→ Seq Scan on order_itemshotFilter: (order_id = 101)']);
    expect(rows[1].classList.contains('is-hot')).toBe(true);
    expect(rows[1].querySelector('.plan-bar > span')!.getAttribute('style')).toBe('width: 89%;');
    expect(view.querySelector('thead')!.textContent).not.toContain('Actual rows');
    const suggestions = view.querySelector('[aria-label="Plan suggestions"]')!;
    expect(suggestions.textContent).toContain('Index order_items(order_id)');
    expect(suggestions.textContent).toContain('The scan reads every row to find 2.');
    expect(suggestions.querySelector('pre')!.textContent).toBe('CREATE INDEX ON order_items (order_id);');
    expect(suggestions.querySelector('button')!.getAttribute('aria-label')).toBe('Copy');
    const raw = view.querySelector('details')!;
    expect(raw.open).toBe(false);
    expect(raw.querySelector('pre')!.textContent).toContain('Seq Scan on order_items');

    const analyze = view.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(analyze.closest('label')!.textContent).toBe('ANALYZE');
    expect(document.getElementById(analyze.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Runs the query for real, inside a read-only transaction that is rolled back.',
    );
    expect(analyze.disabled).toBe(false);
    await dom.click(analyze);
    expect(bodyOf(fetch.mock.calls[1])).toEqual({ requestId: 'abc-12', queryId: 4, analyze: true });
    await vi.waitFor(() => expect(view.querySelector('thead')!.textContent).toContain('Actual rows'));
    expect(view.textContent).toContain('2.100 ms');
  });

  it('shows the server error, and closes with Escape, giving focus back to its button', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(400, { error: 'No EXPLAIN target for pg:shop' }));
    await render();
    await dom.click(dom.button('Explain query 2'));
    const view = dom.container.querySelector('[aria-label="Query plan for query 2"]')!;
    await vi.waitFor(() => expect(view.querySelector('[role="alert"]')!.textContent).toBe('No EXPLAIN target for pg:shop'));
    await dom.key(view, 'Escape');
    expect(dom.container.querySelector('[aria-label="Query plan for query 2"]')).toBeNull();
    expect(document.activeElement).toBe(dom.button('Explain query 2'));
  });

  it('disables ANALYZE for statements that write, with the reason as a tooltip', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(200, plan(false)));
    const queries = sampleDetail.queries.map((q) => (q.id === 1 ? { ...q, sql: 'UPDATE orders SET seen = true WHERE id = $1' } : q));
    await render({ ...sampleDetail, queries });
    await dom.click(dom.button('Explain query 1'));
    const analyze = dom.container.querySelector<HTMLInputElement>('[aria-label="Query plan for query 1"] input[type="checkbox"]')!;
    expect(analyze.disabled).toBe(true);
    expect(analyze.closest('label')!.getAttribute('title')).toMatch(/SELECT statements only/);
  });
});
