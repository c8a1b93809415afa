// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestDetail } from '../../../server/types.js';
import { Announcer } from '../../app/announcer.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { sqlOf, withSql } from '../../testing/panel-details.js';
import { SqlPanel } from './SqlPanel.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

async function render(detail: RequestDetail = sampleDetail) {
  await act(async () => {
    root.render(
      <Announcer>
        <SqlPanel detail={detail} mountPath="/__toolbar" />
      </Announcer>,
    );
  });
}

const bodyRows = () => [...container.querySelectorAll<HTMLTableRowElement>('table tbody tr')];
const ids = () => bodyRows().map((row) => row.cells[0].textContent);
const header = (name: string) => [...container.querySelectorAll('th')].find((th) => th.textContent?.includes(name))!;
const button = (name: string) => [...container.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name || b.textContent?.includes(name))!;

beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

describe('SqlPanel', () => {
  it('renders one row per query in execution order, with duration, rows and call site', async () => {
    await render();
    expect(container.querySelector('table')?.getAttribute('aria-label')).toBe('SQL queries');
    expect(ids()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const first = bodyRows()[0];
    expect(first.textContent).toContain('orders');
    expect(first.querySelector('.col-duration')?.textContent).toBe('2.50 ms');
    expect(first.querySelector('.col-rows')?.textContent).toBe('3');
    const callSite = first.querySelector('.col-callSite .callsite')!;
    expect(callSite.textContent).toBe('src/routes/orders.ts:11');
    expect(callSite.getAttribute('title')).toContain('/home/dev/shop/src/routes/orders.ts:11');
    expect(container.textContent).toContain('7 queries');
    expect(container.textContent).toContain('12.30 ms total');
  });

  it('highlights SQL with spans, not HTML', async () => {
    await render();
    const sql = bodyRows()[1].querySelector('.sql-text')!;
    expect([...sql.querySelectorAll('.tok-keyword')].map((s) => s.textContent?.toUpperCase())).toContain('SELECT');
    expect(sql.querySelector('.tok-param')?.textContent).toBe('$1');
  });

  it('shows one compact line, and the formatted statement when expanded', async () => {
    await render();
    const cell = bodyRows()[0].querySelector('.col-sql')!;
    expect(cell.querySelector('.sql-text')!.textContent).toBe('SELECT id, total FROM orders ORDER BY created_at DESC LIMIT $1');
    const expand = cell.querySelector<HTMLButtonElement>('button[aria-label="Show formatted SQL"]')!;
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    await act(async () => expand.click());
    expect(expand.getAttribute('aria-expanded')).toBe('true');
    // The formatter chunk loads lazily; then the statement is split over lines.
    await vi.waitFor(() => expect(cell.querySelector('.sql-text')!.textContent).toMatch(/^SELECT\n\s+id,\n\s+total\nFROM\n\s+orders/));
  });

  it('sorts by duration, slowest first, then ascending, with aria-sort', async () => {
    await render();
    expect(header('#').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Duration').getAttribute('aria-sort')).toBe('none');
    await act(async () => header('Duration').querySelector('button')!.click());
    expect(header('Duration').getAttribute('aria-sort')).toBe('descending');
    expect(header('#').getAttribute('aria-sort')).toBe('none');
    expect(ids()).toEqual(['4', '1', '5', '2', '7', '6', '3']);
    await act(async () => header('Duration').querySelector('button')!.click());
    expect(header('Duration').getAttribute('aria-sort')).toBe('ascending');
    expect(ids()).toEqual(['3', '6', '7', '2', '5', '1', '4']);
    await act(async () => header('#').querySelector('button')!.click());
    expect(ids()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('filters rows by the text box', async () => {
    await render();
    const input = container.querySelector<HTMLInputElement>('input[aria-label="Filter queries"]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    await act(async () => {
      setValue.call(input, 'ORDER_ITEMS');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(ids()).toEqual(['3', '4', '6']);
    expect(container.textContent).toContain('3 of 7 shown');
    await act(async () => {
      setValue.call(input, 'no such table');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(bodyRows()).toHaveLength(1);
    expect(bodyRows()[0].textContent).toBe('No queries match the filter.');
  });

  it('flags duplicates and N+1 on rows and lists them as findings', async () => {
    await render();
    const flagged = bodyRows().filter((row) => row.textContent?.includes('duplicate ×3'));
    expect(flagged.map((row) => row.cells[0].textContent)).toEqual(['2', '5', '7']);
    expect(bodyRows()[2].textContent).toContain('N+1 ×3');
    const findings = container.querySelector('[aria-label="Findings"]')!;
    expect(findings.textContent).toContain('Duplicate query ×3');
    expect(findings.textContent).toContain('SELECT * FROM users WHERE id = $1');
    expect(findings.textContent).toContain('N+1 ×3 at src/routes/orders.ts:13');
  });

  it('notes dropped queries and an exceeded budget', async () => {
    await render(withSql({ ...sampleDetail, queryCount: 507, overBudget: true }, { droppedQueryCount: 500, queryBudget: 20 }));
    expect(container.textContent).toContain('500 not shown');
    expect(container.textContent).toContain('over budget (20)');
  });

  it('copies the SQL with params inlined and announces it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await render();
    const row = bodyRows()[1];
    const copyWithParams = row.querySelector<HTMLButtonElement>('button[aria-label="Copy SQL with params"]')!;
    await act(async () => copyWithParams.click());
    expect(writeText).toHaveBeenCalledWith('SELECT * FROM users WHERE id = 7');
    expect(copyWithParams.textContent).toContain('Copied');
    await act(async () => row.querySelector<HTMLButtonElement>('button[aria-label="Copy SQL"]')!.click());
    expect(writeText).toHaveBeenLastCalledWith('SELECT * FROM users WHERE id = $1');
    await act(async () => vi.advanceTimersByTime(100));
    expect(container.querySelector('[aria-live="polite"][role="status"]')?.textContent).toBe('Copied query 2');
    vi.useRealTimers();
    expect(button('Copy SQL')).toBeTruthy();
  });
});

describe('work after the response', () => {
  it('says how many queries ran after the response and flags them and the unawaited ones', async () => {
    const [first, second, ...rest] = sqlOf(sampleDetail).queries;
    await render(withSql({ ...sampleDetail, afterResponseCount: 1 }, {
      queries: [{ ...first, unawaited: true, durationMs: 4 }, { ...second, afterResponse: true, durationMs: 2.5 }, ...rest],
    }));
    expect(container.querySelector('.after-response')?.textContent).toMatch(/after the response: 1 query, 2\.50? ms/);
    expect(container.querySelector('.unawaited')?.textContent).toMatch(/1 query not awaited/);
    const flags = bodyRows().map((row) => [...row.querySelectorAll('.flag')].map((flag) => flag.textContent));
    expect(flags[0]).toContain('not awaited');
    expect(flags[1]).toContain('after the response');
  });
});

describe('streamed queries', () => {
  it('flags a streamed query with its fetches, and one the consumer closed early', async () => {
    const [first, second, ...rest] = sqlOf(sampleDetail).queries;
    await render(withSql(sampleDetail, { queries: [{ ...first, stream: { fetches: 11 } }, { ...second, stream: { fetches: 1, closedEarly: true } }, ...rest] }));
    const flags = bodyRows().map((row) => [...row.querySelectorAll('.flag')].map((flag) => flag.textContent));
    expect(flags[0]).toContain('streamed · 11 fetches');
    expect(flags[1]).toEqual(expect.arrayContaining(['streamed · 1 fetch', 'closed early']));
    expect(flags[2]).not.toContain('closed early');
  });
});
