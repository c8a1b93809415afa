// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { ExplainResponse, IndexesResponse, PlanNode, RequestDetail, WhatIfResponse } from '../../../../server/types.js';
import { Announcer } from '../../../app/announcer.js';
import { setupDom } from '../../../testing/dom.js';
import { sampleDetail } from '../../../testing/sample-detail.js';
import { sqlOf, withSql } from '../../../testing/panel-details.js';
import { SqlPanel } from '../SqlPanel.js';
import { isReadStatement, readPlan } from './plan.js';

const dom = setupDom();
const render = (detail: RequestDetail = sampleDetail) =>
  dom.render(
    <Announcer>
      <SqlPanel detail={detail} mountPath="/__toolbar" />
    </Announcer>,
  );

const node = (operation: string, fields: Partial<PlanNode> = {}): PlanNode => ({
  operation, label: operation, subplan: null, relation: null, alias: null, index: null, estimatedRows: null, actualRows: null, loops: null,
  neverExecuted: false, cost: null, startupCost: null, timeMs: null, selfTimeMs: null, hot: false, filter: null, details: [], counters: [],
  children: [], ...fields,
});

const plan = (analyzed: boolean): ExplainResponse => ({
  dialect: 'postgres',
  plan: [],
  text: 'Sort  (cost=40.1 rows=120)\n  -> Seq Scan on order_items  (cost=35.5 rows=120)',
  analyzed,
  nodes: [
    node('Sort', {
      cost: 40.1, estimatedRows: 120, actualRows: analyzed ? 118 : null, loops: analyzed ? 1 : null, timeMs: analyzed ? 2.5 : null,
      selfTimeMs: analyzed ? 0.4 : null, details: [{ name: 'Sort Key', text: 'created_at DESC' }],
      children: [node('Seq Scan', {
        label: 'Seq Scan on order_items', relation: 'order_items', cost: 35.5, estimatedRows: 120, actualRows: analyzed ? 118 : null,
        loops: analyzed ? 1 : null, timeMs: analyzed ? 2.1 : null, selfTimeMs: analyzed ? 2.1 : null, hot: true, filter: '(order_id = 101)',
        details: [{ name: 'Filter', text: '(order_id = 101)' }], counters: analyzed ? [{ name: 'Rows Removed by Filter', value: 4882 }] : [],
      })],
    }),
  ],
  suggestions: [{
    kind: 'index', title: 'Index order_items(order_id)', reason: 'The scan reads every row to find 2.', code: 'CREATE INDEX ON order_items (order_id);',
    index: { table: 'order_items', schema: 'public', columns: ['order_id'] },
  }],
  notes: ['Seq Scan on users: the existing index users_pkey (id) already serves the test on id, so no new index is suggested.'],
  whatIf: { available: true },
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const bodyOf = (call: unknown[]) => JSON.parse((call[1] as RequestInit).body as string);

describe('readPlan and isReadStatement', () => {
  it('measures by cost without ANALYZE: own cost is the cost minus the children\'s; the server marks the hot node', () => {
    const view = readPlan(plan(false).nodes);
    expect(view.measure).toBe('cost');
    expect(view.rows.map((r) => [r.node.operation, r.depth, r.self, r.hot])).toEqual([
      ['Sort', 0, expect.closeTo(4.6, 5), false],
      ['Seq Scan', 1, 35.5, true],
    ]);
  });
  it('measures by time over all loops when analyzed, own time as the server computed it', () => {
    const view = readPlan(plan(true).nodes);
    expect(view.measure).toBe('time');
    expect(view.rows.map((r) => [r.value, r.self])).toEqual([[2.5, 0.4], [2.1, 2.1]]);
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
    const queries = sqlOf(sampleDetail).queries.map((q) => (q.id === 1 ? { ...q, db: { dialect: 'postgres' as const, driver: 'pg' } } : q));
    await render(withSql(sampleDetail, { queries }));
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
    expect(url).toBe('/__toolbar/api/sql/explain');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json', 'X-Debug-Toolbar': '1', Accept: 'application/json' });
    expect(init.body).toBe('{"requestId":"abc-12","queryId":4,"analyze":false}');

    const view = dom.container.querySelector('[role="region"][aria-label="Query plan for query 4"]')!;
    // Under its own row, and focused for the keyboard.
    expect(view.closest('tr')!.previousElementSibling!.getAttribute('data-query-id')).toBe('4');
    expect(document.activeElement).toBe(view);
    await vi.waitFor(() => expect(view.querySelector('table[aria-label="Plan nodes"]')).not.toBeNull());
    const rows = [...view.querySelectorAll('table[aria-label="Plan nodes"] tbody tr')];
    expect(rows.map((r) => r.querySelector('.plan-op')!.textContent)).toEqual([
      'SortSort Key: created_at DESC', '→ Seq Scan on order_itemshotFilter: (order_id = 101)',
    ]);
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
    expect(view.textContent).toContain('Rows Removed by Filter: 4,882');
    expect(view.querySelector('[aria-label="Plan notes"]')!.textContent).toMatch(/users_pkey \(id\) already serves/);
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
    const queries = sqlOf(sampleDetail).queries.map((q) => (q.id === 1 ? { ...q, sql: 'UPDATE orders SET seen = true WHERE id = $1' } : q));
    await render(withSql(sampleDetail, { queries }));
    await dom.click(dom.button('Explain query 1'));
    const analyze = dom.container.querySelector<HTMLInputElement>('[aria-label="Query plan for query 1"] input[type="checkbox"]')!;
    expect(analyze.disabled).toBe(true);
    expect(analyze.closest('label')!.getAttribute('title')).toMatch(/SELECT statements only/);
  });

  it('shows loops, never-executed nodes and a subplan as the database names them', async () => {
    const analyzed: ExplainResponse = {
      ...plan(true), suggestions: [], notes: [],
      nodes: [node('Nested Loop', {
        timeMs: 1, selfTimeMs: 0.2, actualRows: 0, loops: 1, estimatedRows: 1,
        children: [
          node('Index Scan', { label: 'Index Scan using c_user_idx on comments c', details: [{ name: 'Index Cond', text: '(user_id = u.id)' }], loops: 40, actualRows: 6, estimatedRows: 6, timeMs: 0.8, selfTimeMs: 0.8, hot: true }),
          node('Seq Scan', { label: 'Seq Scan on posts p', subplan: 'SubPlan 1', neverExecuted: true, loops: 0, actualRows: 0, estimatedRows: 120, timeMs: 0, selfTimeMs: 0 }),
        ],
      })],
    };
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(200, analyzed));
    await render();
    await dom.click(dom.button('Explain query 4'));
    const view = dom.container.querySelector('[aria-label="Query plan for query 4"]')!;
    await vi.waitFor(() => expect(view.querySelector('table[aria-label="Plan nodes"]')).not.toBeNull());
    const head = [...view.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(head).toEqual(['Operation', 'Est. rows', 'Actual rows', 'Loops', 'Cost', 'Time', 'Own', 'Share']);
    const cells = [...view.querySelectorAll('table[aria-label="Plan nodes"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent));
    expect(cells).toEqual([
      ['Nested Loop', '1', '0', '1'],
      ['→ Index Scan using c_user_idx on comments chotIndex Cond: (user_id = u.id)', '6', '6', '40'],
      ['SubPlan 1→ Seq Scan on posts p', '120', 'never executed', '0'],
    ]);
  });

  it('tries the index with ids only and the toolbar header, and shows whether the planner used it', async () => {
    const result: WhatIfResponse = {
      index: { table: 'order_items', schema: 'public', columns: ['order_id'], code: 'CREATE INDEX ON order_items (order_id);' },
      indexes: [{ table: 'order_items', schema: 'public', columns: ['order_id'], code: 'CREATE INDEX ON order_items (order_id);', used: true }],
      before: { totalCost: 40.1, plan: plan(false).nodes, text: '' },
      after: { totalCost: 8.3, plan: [node('Index Scan', { label: 'Index Scan using order_items_order_id_idx on order_items', cost: 8.3 })], text: '' },
      used: true, rolledBack: true,
    };
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(async (url) => (String(url).endsWith('/what-if') ? json(200, result) : json(200, plan(false))));
    await render();
    await dom.click(dom.button('Explain query 4'));
    const view = dom.container.querySelector('[aria-label="Query plan for query 4"]')!;
    await vi.waitFor(() => expect(dom.button('Try this index')).toBeTruthy());
    await dom.click(dom.button('Try this index'));
    const [url, init] = fetch.mock.calls[1] as [string, RequestInit];
    expect(url).toBe('/__toolbar/api/sql/what-if');
    expect(init).toMatchObject({ method: 'POST', body: '{"requestId":"abc-12","queryId":4}' });
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Debug-Toolbar': '1' });
    await vi.waitFor(() => expect(view.querySelector('[aria-label="What-if result"]')).not.toBeNull());
    expect(view.querySelector('.what-if-verdict')!.textContent).toBe('The planner uses the index · cost 40.1 → 8.3');
    expect(view.querySelector('table[aria-label="Plan with the index"]')!.textContent).toContain('Index Scan using order_items_order_id_idx on order_items');
  });

  it('says why the what-if is not offered, and shows the server\'s refusal', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(200, { ...plan(false), dialect: 'mysql', whatIf: { available: false, reason: 'MySQL and MariaDB commit CREATE INDEX at once.' } }));
    await render();
    await dom.click(dom.button('Explain query 4'));
    const view = dom.container.querySelector('[aria-label="Query plan for query 4"]')!;
    await vi.waitFor(() => expect(view.querySelector('.what-if-unavailable')).not.toBeNull());
    expect(view.querySelector('.what-if-unavailable')!.textContent).toBe('Not tried before you run it: MySQL and MariaDB commit CREATE INDEX at once.');
    expect(view.querySelector('.what-if button')).toBeNull();
  });
});

describe('Missing indexes', () => {
  const missing: IndexesResponse = {
    explained: 3,
    skipped: [{ fingerprint: 'f1', sql: 'SELECT 1; SELECT 2', reason: 'not explained: it has more than one statement' }],
    indexes: [{
      explainKey: 'pg:shop', dialect: 'postgres', index: { table: 'orders', columns: ['shop_id', 'status'] },
      code: 'CREATE INDEX orders_shop_id_status_idx ON orders (shop_id, status);', reason: 'Seq Scan on orders reads ~100,000 rows.',
      totalMs: 412.5, queryCount: 7, queries: [{ fingerprint: 'a', sql: 'SELECT …', count: 7, totalMs: 412.5 }],
      requests: Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: `/orders/${i}` })),
      counted: { since: null, note: 'Every stored run counts.', leftOut: 0 },
    }],
  };

  it('loads on demand, for this request or the whole history, with the toolbar header', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => json(200, missing));
    await render();
    expect(fetch).not.toHaveBeenCalled();
    const section = dom.container.querySelector('[aria-label="Missing indexes"]')!;
    await dom.click(dom.button('This request'));
    expect(fetch.mock.calls[0][0]).toBe('/__toolbar/api/sql/indexes?requestId=abc-12');
    expect((fetch.mock.calls[0][1] as RequestInit).headers).toMatchObject({ 'X-Debug-Toolbar': '1' });
    await dom.click(dom.button('All stored requests'));
    expect(fetch.mock.calls[1][0]).toBe('/__toolbar/api/sql/indexes');
    await vi.waitFor(() => expect(section.querySelector('.missing-list')).not.toBeNull());
    expect(section.querySelector('[role="status"]')!.textContent).toBe('3 query shapes explained across the stored requests · 1 missing index');
    const item = section.querySelector('.missing-item')!;
    expect(item.querySelector('.missing-meta')!.textContent).toBe('412.50 ms over 7 queries of 1 shape in 7 requests');
    expect(item.querySelector('pre')!.textContent).toBe('CREATE INDEX orders_shop_id_status_idx ON orders (shop_id, status);');
    expect([...item.querySelectorAll('.missing-requests li')].map((li) => li.textContent)).toEqual([
      'GET /orders/0', 'GET /orders/1', 'GET /orders/2', 'GET /orders/3', 'GET /orders/4', 'and 2 more',
    ]);
    expect(section.querySelector('details summary')!.textContent).toBe('1 query shape not explained');
  });

  it('shows the server\'s error', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json(403, { error: 'the X-Debug-Toolbar: 1 header is required' }));
    await render();
    await dom.click(dom.button('All stored requests'));
    const section = dom.container.querySelector('[aria-label="Missing indexes"]')!;
    await vi.waitFor(() => expect(section.querySelector('[role="alert"]')!.textContent).toBe('the X-Debug-Toolbar: 1 header is required'));
  });
});
