// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { NPlusOneGroup, RequestDetail } from '../../../server/types.js';
import { Announcer } from '../../app/announcer.js';
import { setupDom } from '../../testing/dom.js';
import { listFindings, perRow } from './findings.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { sqlOf, withSql } from '../../testing/panel-details.js';
import { SqlPanel } from './SqlPanel.js';

const dom = setupDom();
const render = (detail: RequestDetail = sampleDetail) =>
  dom.render(
    <Announcer>
      <SqlPanel detail={detail} mountPath="/__toolbar" />
    </Announcer>,
  );
const findings = () => dom.container.querySelector('[aria-label="Findings"]')!;
const toggles = () => [...findings().querySelectorAll<HTMLButtonElement>('button[aria-expanded]')];
const ids = () => [...dom.container.querySelectorAll('table.queries > tbody > tr[data-query-id]')].map((r) => r.getAttribute('data-query-id'));

describe('listFindings', () => {
  it('orders N+1 before duplicates before similar, and drops similar groups the others already cover', () => {
    const extra = { fingerprint: 'f-orders', sql: 'SELECT 1', queryIds: [1, 8], count: 2, totalMs: 3 };
    const list = listFindings({ ...sqlOf(sampleDetail), similar: [...sqlOf(sampleDetail).similar, extra] });
    expect(list.map((f) => f.kind)).toEqual(['nplusone', 'duplicate', 'similar']);
    expect(list[2].group).toBe(extra);
  });
});

describe('SQL findings', () => {
  it('leads with the N+1 group as a collapsed disclosure, then duplicates', async () => {
    await render();
    expect(toggles().map((b) => b.querySelector('.finding-title')!.textContent)).toEqual([
      'N+1 ×3 at src/routes/orders.ts:13',
      'Duplicate query ×3',
    ]);
    expect(toggles().every((b) => b.getAttribute('aria-expanded') === 'false')).toBe(true);
    expect(findings().querySelector('.finding-body')).toBeNull();
  });

  it('expands an N+1 group to its queries, linked stack frames and the fix, and copies the fix', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await render();
    const toggle = toggles()[0];
    await dom.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const body = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect([...body.querySelectorAll('.finding-queries .query-chip')].map((b) => b.getAttribute('aria-label'))).toEqual([
      'Show query 3 in the table',
      'Show query 4 in the table',
      'Show query 6 in the table',
    ]);
    expect(body.querySelector('.finding-note')!.textContent).toBe('One per row of #1, the list the loop goes over. ');
    const links = [...body.querySelectorAll<HTMLAnchorElement>('.frames a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['src/routes/orders.ts:13', 'vscode://file/home/dev/shop/src/routes/orders.ts:13:5'],
      // Not sent by the server: built from the call site's link.
      ['src/services/orders.ts:42', 'vscode://file/home/dev/shop/src/services/orders.ts:42:11'],
    ]);
    expect(body.textContent).toContain('Load the items of all orders in one query');
    expect(body.querySelector('.fix-reason')!.textContent).toBe('saves 2 queries, 1.30 ms');
    const code = body.querySelector('pre.code')!;
    expect(code.textContent).toBe("const items = await knex('order_items').whereIn('order_id', orders.map((o) => o.id));");
    expect(code.querySelector('.tok-string')!.textContent).toBe("'order_items'");
    const copy = dom.button('Copy fix');
    await dom.click(copy);
    expect(writeText).toHaveBeenCalledWith(code.textContent);
    expect(copy.textContent).toBe('Copied ✓');
    await dom.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(body.isConnected).toBe(false);
  });

  it('highlights and focuses a query from a finding, or filters the table to its queries and back', async () => {
    await render();
    await dom.click(toggles()[0]);
    await dom.click(dom.button('Show query 4 in the table'));
    const row = dom.container.querySelector('tr[data-query-id="4"]')!;
    expect(row.classList.contains('is-highlighted')).toBe(true);
    expect(row.getAttribute('aria-current')).toBe('true');
    expect(document.activeElement).toBe(row);
    expect(ids()).toHaveLength(7);

    const only = dom.button('Show only these 3 in the table');
    await dom.click(only);
    expect(ids()).toEqual(['3', '4', '6']);
    expect(only.getAttribute('aria-pressed')).toBe('true');
    expect(dom.container.querySelector('.focus-chip')!.textContent).toContain('Only N+1 ×3 (3 queries)');
    await dom.click(dom.button('Show all queries'));
    expect(ids()).toHaveLength(7);
    expect(only.getAttribute('aria-pressed')).toBe('false');
  });

  it('advises reusing the result of duplicates, lists their call sites, and shows the budget banner', async () => {
    await render(withSql({ ...sampleDetail, queryCount: 9, overBudget: true }, { queryBudget: 5 }));
    await dom.click(toggles()[1]);
    const body = findings().querySelector('.finding-body')!;
    expect(body.textContent).toContain('Run it once and reuse the result');
    // Linked with the pattern learnt from the N+1 group's editorUrl.
    expect(body.querySelector('.frames a')!.getAttribute('href')).toBe('vscode://file/home/dev/shop/src/routes/orders.ts:12:5');
    expect([...body.querySelectorAll('.frames li')].map((li) => li.textContent)).toEqual([
      'src/routes/orders.ts:12 in listOrders',
      'src/routes/orders.ts:15 in listOrders',
      'src/routes/orders.ts:17 in listOrders',
    ]);
    expect(findings().querySelector('[role="note"]')!.textContent).toBe('Over the query budget: 9 queries, budget 5');
  });

  it('shows frames as plain text when no link pattern is known', async () => {
    await render(withSql(sampleDetail, { nPlusOne: [{ ...sqlOf(sampleDetail).nPlusOne[0], editorUrl: undefined, suggestion: null, concurrent: true }] }));
    await dom.click(toggles()[0]);
    const body = findings().querySelector('.finding-body')!;
    expect(body.querySelector('.finding-note')!.textContent).toContain('They overlapped in time (Promise.all)');
    expect(body.querySelector('.frames a')).toBeNull();
    expect(body.querySelector('.frames .callsite')!.getAttribute('title')).toBe('/home/dev/shop/src/routes/orders.ts:13');
    expect(body.textContent).toContain('saves 2 queries');
  });
});

describe('one finding per loop (issue 18)', () => {
  const SQL = ['SELECT * FROM users WHERE id = $1', 'SELECT name FROM tags WHERE article_id = $1', 'SELECT count(*) FROM comments WHERE article_id = $1'];
  const at = (line: number) => ({ file: '/home/dev/blog/src/routes/articles.js', line, column: 7, function: 'feed' });
  const loop = { file: at(57).file, line: 57, function: 'feed' };
  const queries = [1, 2, 3, 4, 5].flatMap((row) => SQL.map((sql, k) => ({
    ...sqlOf(sampleDetail).queries[0], id: 1 + (row - 1) * 3 + k + 1, sql, params: [row], fingerprint: `f${k}`, callSite: at(57 + k),
  })));
  const shapes = SQL.map((sql, k): NPlusOneGroup => ({
    fingerprint: `f${k}`, sql, count: 5, queryIds: queries.filter((q) => q.fingerprint === `f${k}`).map((q) => q.id), totalMs: 5,
    callSite: at(57 + k), stack: [at(57 + k)], loop, concurrent: false,
    suggestion: k === 1 ? null : { title: `Load ${k === 0 ? 'the users' : 'the counts'} in one query`, code: `fix${k}()`, orm: 'knex', reason: 'r' },
  }));
  const detail: RequestDetail = withSql({ ...sampleDetail, queryCount: 16 }, {
    queries: [sqlOf(sampleDetail).queries[0], ...queries], nPlusOne: shapes, duplicates: [], similar: [],
  });

  it('lists the shapes of one loop as one finding, whatever order the server sent them in', () => {
    const list = listFindings({ ...sqlOf(detail), nPlusOne: [shapes[2], shapes[0], shapes[1]] });
    expect(list).toHaveLength(1);
    expect(list[0].kind === 'nplusone' && list[0].shapes.map((g) => g.fingerprint)).toEqual(['f0', 'f1', 'f2']);
    expect(list[0].group).toMatchObject({ count: 15, callSite: { line: 57 } });
    expect(list[0].group.queryIds).toHaveLength(15);
  });

  it('shows one banner for the loop with its per-row count, and each shape with its fix inside', async () => {
    await render(detail);
    expect(toggles()).toHaveLength(1);
    const toggle = toggles()[0];
    expect(toggle.querySelector('.finding-title')!.textContent).toBe('N+1 ×15 in the loop at src/routes/articles.js:57');
    expect(toggle.querySelector('.finding-loop')!.textContent).toBe('the loop runs 3 queries per row × 5 rows = 15');
    await dom.click(toggle);
    const body = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(body.querySelectorAll('.finding-queries .query-chip')).toHaveLength(15);
    const fixes = [...body.querySelectorAll('.fix')];
    expect(fixes.map((f) => f.querySelector('.finding-heading')!.textContent)).toEqual(['Fix 1 of 3', 'Fix 2 of 3', 'Fix 3 of 3']);
    expect(fixes.map((f) => f.querySelector('.fix-shape .muted')!.textContent)).toEqual([
      '×5 at src/routes/articles.js:57', '×5 at src/routes/articles.js:58', '×5 at src/routes/articles.js:59']);
    expect(fixes[0].querySelector('pre.code')!.textContent).toBe('fix0()');
    expect(fixes[1].textContent).toContain('Load these rows in one query');
    expect(fixes[2].querySelector('pre.code')!.textContent).toBe('fix2()');
  });

  it('says "over N rows" when the shapes did not all run once per row', () => {
    expect(perRow([{ count: 5 }, { count: 3 }])).toBe('8 queries over 5 rows');
  });
});
