// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../app/App.js';
import { PANELS } from '../../app/panels.js';
import { setupDom } from '../../testing/dom.js';
import { MAX_ROWS, prependRequests } from './useRequestList.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { detailOf, FakeEventSource, stubApi, summary } from '../../testing/history.js';
import { sqlOf, withSql } from '../../testing/panel-details.js';

const dom = setupDom();

const page = summary('page-1', { url: '/orders?page=1', queryCount: 7, startedAt: 1_700_000_003_000, durationMs: 48 });
const posts = summary('abc-1f', { url: '/api/posts', queryCount: 12, nPlusOneCount: 1, startedAt: 1_700_000_002_000, durationMs: 90 });
const form = summary('post-9', { method: 'POST', url: '/form', status: 303, location: '/done', queryCount: 2, startedAt: 1_700_000_001_000, durationMs: 5 });
const broken = summary('err-3', { url: '/broken', status: 500, error: { message: 'boom', stack: [] }, queryCount: 0, startedAt: 1_700_000_000_000, durationMs: 20 });
const list = [page, posts, form, broken];
const details = { 'page-1': detailOf(page), 'abc-1f': detailOf(posts), 'post-9': detailOf(form), 'err-3': detailOf(broken) };

const rowIds = () => [...dom.container.querySelectorAll<HTMLElement>('table[aria-label="Recorded requests"] tbody tr[data-request-id]')].map((r) => r.dataset.requestId);
const rowOf = (id: string) => dom.container.querySelector<HTMLElement>(`tr[data-request-id="${id}"]`)!;
const tab = (name: string) => [...dom.container.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.firstChild!.textContent === name)!;

async function openHistory(rows = list.length) {
  await dom.render(<App requestId="page-1" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
  await vi.waitFor(() => expect(tab('History')).toBeTruthy());
  await dom.click(tab('History'));
  await vi.waitFor(() => expect(rowIds()).toHaveLength(rows));
}

async function change(el: HTMLInputElement | HTMLSelectElement, value: string) {
  await act(async () => {
    const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}

beforeEach(() => {
  localStorage.clear();
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('History tab', () => {
  it('lists the recorded requests newest first with their flags', async () => {
    const fetch = stubApi([list], details);
    await openHistory();
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests');
    expect(rowIds()).toEqual(['page-1', 'abc-1f', 'post-9', 'err-3']);
    expect(rowOf('abc-1f').querySelector('.col-flags')!.textContent).toBe('N+1');
    expect(rowOf('post-9').querySelector('.col-flags')!.textContent).toBe('redirect');
    expect(rowOf('err-3').querySelector('.col-flags')!.textContent).toBe('error');
    expect(rowOf('page-1').getAttribute('aria-current')).toBe('true');
  });

  it('sorts by duration and queries, and filters by text, method and status', async () => {
    stubApi([list], details);
    await openHistory();
    await dom.click(dom.button(/^Duration/));
    expect(rowIds()).toEqual(['abc-1f', 'page-1', 'err-3', 'post-9']);
    await dom.click(dom.button(/^Queries/));
    expect(rowIds()).toEqual(['abc-1f', 'page-1', 'post-9', 'err-3']);
    await dom.click(dom.button(/^Queries/));
    expect(rowIds()).toEqual(['err-3', 'post-9', 'page-1', 'abc-1f']);

    const text = dom.container.querySelector<HTMLInputElement>('input[aria-label="Filter requests"]')!;
    await change(text, 'posts');
    expect(rowIds()).toEqual(['abc-1f']);
    await change(text, '');
    await change(dom.container.querySelector<HTMLSelectElement>('select[aria-label="Method"]')!, 'POST');
    expect(rowIds()).toEqual(['post-9']);
    await change(dom.container.querySelector<HTMLSelectElement>('select[aria-label="Method"]')!, '');
    await change(dom.container.querySelector<HTMLSelectElement>('select[aria-label="Status"]')!, '5xx');
    expect(rowIds()).toEqual(['err-3']);
    expect(dom.container.textContent).toContain('1 of 4 shown');
  });

  it('selecting a row shows that request in every tab, with a banner and a way back', async () => {
    const fetch = stubApi([list], details);
    await openHistory();
    expect(dom.container.querySelector('.selection-banner')).toBeNull();
    await dom.click(rowOf('abc-1f'));
    await vi.waitFor(() =>
      expect(dom.container.querySelector('.selection-banner')!.textContent).toContain('You are looking at GET /api/posts (request abc-1f), not this page'),
    );
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests/abc-1f');
    expect(dom.container.querySelector('header .url')!.textContent).toBe('/api/posts');
    expect(rowOf('abc-1f').getAttribute('aria-current')).toBe('true');
    // Other tabs follow the selection.
    await dom.click(tab('SQL'));
    expect(dom.container.querySelector('header .url')!.textContent).toBe('/api/posts');
    expect(dom.container.querySelector('.selection-banner')).not.toBeNull();

    await dom.click(dom.button('Back to this page'));
    await vi.waitFor(() => expect(dom.container.querySelector('header .url')!.textContent).toBe('/orders?page=1'));
    expect(dom.container.querySelector('.selection-banner')).toBeNull();
  });

  it('prepends a request the event stream announces, and closes the stream when the tab closes', async () => {
    stubApi([list], details);
    await openHistory();
    expect(FakeEventSource.instances).toHaveLength(1);
    const source = FakeEventSource.instances[0];
    expect(source.url).toBe('/dbg/api/events');
    await act(async () => source.emit(summary('new-5', { url: '/fresh', startedAt: 1_700_000_009_000 })));
    expect(rowIds()[0]).toBe('new-5');
    expect(rowIds()).toHaveLength(5);
    await act(async () => source.emit(summary('new-5', { url: '/fresh', startedAt: 1_700_000_009_000 })));
    expect(rowIds()).toHaveLength(5);
    await dom.click(tab('SQL'));
    expect(source.closed).toBe(true);
  });

  it('polls ?after= every 2 s when the event stream fails', async () => {
    const fetch = stubApi([list, [summary('polled-7', { url: '/polled', startedAt: 1_700_000_010_000 })], []], details);
    await openHistory();
    vi.useFakeTimers();
    await act(async () => FakeEventSource.instances[0].fail());
    expect(FakeEventSource.instances[0].closed).toBe(true);
    expect(dom.container.textContent).toContain('live (polling)');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests?after=page-1');
    expect(rowIds()[0]).toBe('polled-7');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests?after=polled-7');
  });
});

describe('static assets (issue 12: about 7 rows in 10 on a typical page)', () => {
  const css = summary('css-1', { url: '/style.css', contentType: 'text/css; charset=UTF-8', queryCount: 0, startedAt: 1_700_000_002_500 });
  const js = summary('js-1', { url: '/app.js', contentType: 'application/javascript; charset=UTF-8', queryCount: 0, startedAt: 1_700_000_002_400 });
  const icon = summary('ico-304', { url: '/favicon.svg', status: 304, contentType: null, queryCount: 0, startedAt: 1_700_000_002_300 });
  const withAssets = [page, css, js, icon, posts, form, broken];

  it('are hidden until "Static files" is ticked, and the choice is remembered', async () => {
    stubApi([withAssets], details);
    await openHistory(4);
    expect(rowIds()).toEqual(['page-1', 'abc-1f', 'post-9', 'err-3']);
    expect(dom.container.textContent).toContain('4 of 7 shown');
    const toggle = [...dom.container.querySelectorAll('label')].find((l) => l.textContent?.includes('Static files'))!;
    expect(toggle.textContent).toBe(' Static files (3)');
    const box = toggle.querySelector('input')!;
    expect(box.checked).toBe(false);
    await dom.click(box);
    expect(rowIds()).toEqual(['page-1', 'css-1', 'js-1', 'ico-304', 'abc-1f', 'post-9', 'err-3']);
    // A 304 is a cache answer, not a redirect.
    expect(rowOf('ico-304').querySelector('.col-flags')!.textContent).toBe('');
    expect(localStorage.getItem('express-debug-toolbar:history-static')).toBe('true');
  });

  it('says so when every recorded request is a static file', async () => {
    stubApi([[css, js]], { ...details, 'page-1': detailOf(page) });
    await dom.render(<App requestId="page-1" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    await vi.waitFor(() => expect(tab('History')).toBeTruthy());
    await dom.click(tab('History'));
    await vi.waitFor(() => expect(dom.container.textContent).toContain('Only static files so far'));
    expect(rowIds()).toEqual([]);
  });
});

describe('tasks, socket events and the background stream (issue 13)', () => {
  it('lists tasks and socket events with the requests, and the background stream in its own view', async () => {
    const job = summary('task-1', { kind: 'task', method: 'TASK', url: 'email digest', status: 0, contentType: null, startedAt: 1_700_000_004_000 });
    const event = summary('sock-1', { kind: 'socket', method: 'SOCKET', url: 'dashboard', status: 0, contentType: null, startedAt: 1_700_000_003_500 });
    const timer = summary('bg-1', { kind: 'background', method: 'BACKGROUND', url: '/app/monitor.js:42 (heartbeat)', status: 0, contentType: null });
    stubApi([[job, event, ...list]], details, [], undefined, [timer]);
    await openHistory(6);
    expect(rowIds()).toEqual(['task-1', 'sock-1', 'page-1', 'abc-1f', 'post-9', 'err-3']);
    const method = dom.container.querySelector<HTMLSelectElement>('select[aria-label="Method"]');
    expect([...(method?.options ?? [])].map((o) => o.value)).toEqual(expect.arrayContaining(['TASK', 'SOCKET']));
    const background = [...dom.container.querySelectorAll('button')].find((b) => b.textContent === 'Background')!;
    await dom.click(background);
    await vi.waitFor(() => expect(rowIds()).toEqual(['bg-1']));
    expect(dom.container.textContent).toContain('1 background entry');
    expect(vi.mocked(fetch).mock.calls.some(([url]) => String(url).endsWith('/api/requests?kind=background'))).toBe(true);
  });
});

describe('capacity (issue 12: the count grew past what the store keeps)', () => {
  it('keeps no more rows than the store, dropping the oldest as new ones arrive', async () => {
    stubApi([list], details, [], 4);
    await openHistory();
    expect(dom.container.textContent).toContain('4 requests');
    await act(async () => FakeEventSource.instances[0].emit(summary('new-5', { url: '/fresh', startedAt: 1_700_000_009_000 })));
    expect(rowIds()).toEqual(['new-5', 'page-1', 'abc-1f', 'post-9']);
    expect(dom.container.textContent).toContain('4 requests');
    expect(dom.container.textContent).not.toContain('5 requests');
  });
});

describe('prependRequests', () => {
  it('puts new ones first and drops the older copy of a repeated id', () => {
    expect(prependRequests([posts, form], [page, posts]).map((r) => r.id)).toEqual(['page-1', 'abc-1f', 'post-9']);
  });
  it('keeps the newest `limit`', () => {
    expect(prependRequests([posts, form, broken], [page], 2).map((r) => r.id)).toEqual(['page-1', 'abc-1f']);
  });
});

describe('export', () => {
  it('Download JSON saves the selected request through a temporary link', async () => {
    stubApi([list], details);
    await openHistory();
    await dom.click(rowOf('abc-1f'));
    await vi.waitFor(() => expect(dom.container.querySelector('.history-actions')!.textContent).toContain('/api/posts'));
    let blob: Blob | undefined;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blob = b as Blob;
      return 'blob:fake';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await dom.click(dom.button('Download JSON'));
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('GET-api-posts-abc-1f.json');
    expect(clicked[0].href).toBe('blob:fake');
    expect(clicked[0].isConnected).toBe(false);
    const saved = JSON.parse(await blob!.text()) as { id: string; queryCount: number };
    expect(saved).toMatchObject({ id: 'abc-1f', queryCount: 12 });
  });

  it('Copy as test asks for the runner and module system once, remembers them, and copies a test of the route', async () => {
    stubApi([list], details);
    await openHistory();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await dom.click(dom.button('Copy as test'));
    expect(writeText).not.toHaveBeenCalled();
    const form = dom.container.querySelector<HTMLFormElement>('form[aria-label="Test format"]')!;
    const [runner, modules] = [...form.querySelectorAll('select')];
    await act(async () => {
      for (const [select, value] of [[runner, 'node:test'], [modules, 'cjs']] as const) {
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(select, value);
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
    await dom.click(dom.button('Copy test'));
    expect(writeText).toHaveBeenCalledTimes(1);
    const code = writeText.mock.calls[0][0] as string;
    expect(code).toContain('const { describe, it } = require("node:test");');
    expect(code).toContain('await recorded("GET", "/orders?page=1");');
    expect(code).toContain('assert.ok(detail.queryCount <= 7,');
    expect(code).toContain('const TOOLBAR = "/dbg";');
    expect(dom.button('Copy as test').textContent).toBe('Copied ✓');
    expect(JSON.parse(localStorage.getItem('express-debug-toolbar:test-format')!)).toEqual({ runner: 'node:test', module: 'cjs' });
    // Asked once: the next copy goes straight to the clipboard, in the remembered format.
    await dom.click(dom.button('Copy as test'));
    expect(writeText).toHaveBeenCalledTimes(2);
    expect(dom.container.querySelector('form[aria-label="Test format"]')).toBeNull();
    expect(dom.button('Test format').textContent).toBe('node:test · CJS');
  });
});

describe('compare', () => {
  it('compares the shown request with an earlier run of the same path and query', async () => {
    const old = summary('old-1', { url: '/orders?page=1', queryCount: 12, durationMs: 82, startedAt: 1_699_999_999_000 });
    const otherPage = summary('page-2', { url: '/orders?page=2', startedAt: 1_699_999_998_000 });
    const oldDetail = withSql(detailOf(old), {
      queries: [...sqlOf(sampleDetail).queries, ...sqlOf(sampleDetail).queries.slice(2, 7).map((qr, i) => ({ ...qr, id: 8 + i }))],
      totalQueryMs: 20,
    });
    const now = { ...details['page-1'], durationMs: 48 };
    const fetch = stubApi([[...list, old, otherPage]], { ...details, 'page-1': now, 'old-1': oldDetail });
    await openHistory(6);
    const select = await vi.waitFor(() => {
      const found = [...dom.container.querySelectorAll('select')].find((s) => s.closest('label')?.textContent?.includes('Compare with'));
      expect(found).toBeTruthy();
      return found!;
    });
    // Only the earlier run of GET /orders?page=1 is offered, not the list's page 2.
    expect([...select.options].map((o) => o.value)).toEqual(['', 'old-1']);
    await change(select, 'old-1');
    await vi.waitFor(() => expect(dom.container.querySelector('.compare-summary')).not.toBeNull());
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests/old-1');
    expect(dom.container.querySelector('.compare-summary strong')!.textContent).toBe('12 → 7 queries, −34 ms');
    const removed = dom.container.querySelector('ul[aria-label="Removed queries"]')!;
    expect([...removed.querySelectorAll('li')].map((li) => li.textContent!.split(' (')[0])).toEqual(['−3', '−2']);
    expect(dom.container.querySelector('ul[aria-label="Added queries"]')).toBeNull();
  });
});

describe('hotspots', () => {
  it('switches to a table of the code lines that run the most queries', async () => {
    const fetch = stubApi([list], details, [
      { file: '/app/src/posts.ts', line: 12, function: 'loadAuthors', queryCount: 120, totalMs: 84.25, requestCount: 6, nPlusOneCount: 5 },
      { file: '/app/src/db.ts', line: 3, function: null, queryCount: 40, totalMs: 10, requestCount: 9, nPlusOneCount: 0 },
    ]);
    await openHistory();
    expect(dom.button('Requests').getAttribute('aria-pressed')).toBe('true');
    await dom.click(dom.button('Hotspots'));
    const table = await vi.waitFor(() => {
      const t = dom.container.querySelector('table[aria-label="Query hotspots"]');
      expect(t).not.toBeNull();
      return t!;
    });
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/sql/hotspots');
    expect(dom.button('Hotspots').getAttribute('aria-pressed')).toBe('true');
    expect(dom.container.querySelector('table[aria-label="Recorded requests"]')).toBeNull();
    const cells = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(cells).toEqual([
      ['loadAuthors /app/src/posts.ts:12', '120', '84.3 ms', '6', '5'],
      ['<anonymous> /app/src/db.ts:3', '40', '10.0 ms', '9', '—'],
    ]);
    await dom.click(dom.button('Requests'));
    expect(rowIds()).toHaveLength(4);
  });
});

describe('a long history (the list keeps up to MAX_ROWS)', () => {
  it('renders a window of the rows, and sorting and filtering still see them all', async () => {
    const many = Array.from({ length: MAX_ROWS }, (_, i) =>
      summary(`req-${i}`, { url: `/items/${i}`, queryCount: i % 50, startedAt: 1_700_000_000_000 + i * 1000 }),
    );
    stubApi([many], { 'page-1': detailOf(page), ...Object.fromEntries(many.slice(-3).map((s) => [s.id, detailOf(s)])) });
    await dom.render(<App requestId="page-1" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    await vi.waitFor(() => expect(tab('History')).toBeTruthy());
    await dom.click(tab('History'));
    await vi.waitFor(() => expect(dom.container.textContent).toContain(`${MAX_ROWS} requests`));
    const table = dom.container.querySelector('table[aria-label="Recorded requests"]')!;
    expect(rowIds().length).toBeGreaterThan(5);
    expect(rowIds().length).toBeLessThan(60);
    expect(rowIds()[0]).toBe(`req-${MAX_ROWS - 1}`);
    expect(table.getAttribute('aria-rowcount')).toBe(String(MAX_ROWS + 1));
    expect(table.querySelectorAll('tr.virtual-gap')).toHaveLength(1);

    await change(dom.container.querySelector<HTMLInputElement>('input[aria-label="Filter requests"]')!, '/items/4');
    // /items/4, /items/40…49, /items/400…499: 111 rows, few enough to render whole.
    expect(rowIds()).toHaveLength(111);
    expect(table.querySelectorAll('tr.virtual-gap')).toHaveLength(0);
    expect(dom.container.textContent).toContain(`111 of ${MAX_ROWS} shown`);
  });
});
