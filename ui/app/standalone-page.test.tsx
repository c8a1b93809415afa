// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detailOf, FakeEventSource, stubApi, summary } from '../testing/history.js';
import { mountStandalone, requestIdFromHash } from './standalone-page.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const newest = summary('new-2', { url: '/newest', startedAt: 2 });
const older = summary('old-1', { url: '/api/posts', startedAt: 1 });
const details = { 'new-2': detailOf(newest), 'old-1': detailOf(older) };
let host: HTMLDivElement;

beforeEach(() => {
  localStorage.clear();
  vi.stubGlobal('EventSource', FakeEventSource);
  host = document.createElement('div');
  document.body.append(host);
});
afterEach(() => {
  history.replaceState(null, '', location.pathname);
  host.remove();
  document.head.querySelectorAll('style').forEach((s) => s.remove());
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('requestIdFromHash', () => {
  it.each([
    ['#/requests/abc-1f', 'abc-1f'],
    ['#/requests/a%20b', 'a b'],
    ['#/requests/', null],
    ['#/other', null],
    ['', null],
  ])('%s → %s', (hash, id) => expect(requestIdFromHash(hash)).toBe(id));
});

describe('mountStandalone', () => {
  it('opens the request in the hash, History tab first, full height, without the "not this page" banner', async () => {
    const fetch = stubApi([[newest, older]], details);
    await act(async () => mountStandalone(host, '/dbg', '#/requests/old-1'));
    await vi.waitFor(() => expect(host.querySelector('header .url')?.textContent).toBe('/api/posts'));
    expect(fetch.mock.calls.map((c) => String(c[0]))).toContain('/dbg/api/requests/old-1');
    const tabs = [...host.querySelectorAll('[role="tab"]')];
    expect(tabs[0].firstChild!.textContent).toBe('History');
    expect(tabs[0].getAttribute('aria-selected')).toBe('true');
    expect(host.querySelector<HTMLElement>('[role="region"]')!.style.height).toBe('100vh');
    expect(host.querySelector('[role="separator"]')).toBeNull();
    await vi.waitFor(() => expect(host.querySelector('tr[data-request-id="old-1"]')?.getAttribute('aria-current')).toBe('true'));
    expect(host.querySelector('.selection-banner')).toBeNull();
    expect(document.head.querySelector('style')!.textContent).toContain('.history tbody tr');
  });

  it('opens the newest request without a hash, and says so when none is recorded', async () => {
    stubApi([[newest, older]], details);
    await act(async () => mountStandalone(host, '/dbg', ''));
    await vi.waitFor(() => expect(host.querySelector('header .url')?.textContent).toBe('/newest'));

    const empty = document.createElement('div');
    document.body.append(empty);
    vi.restoreAllMocks();
    stubApi([[]], {});
    await act(async () => mountStandalone(empty, '/dbg', ''));
    expect(empty.textContent).toContain('No requests recorded yet');
    empty.remove();
  });

  it('puts the request shown in the address, follows an edited hash, and has no × (issue 12: it did nothing)', async () => {
    stubApi([[newest, older]], details);
    await act(async () => mountStandalone(host, '/dbg', ''));
    await vi.waitFor(() => expect(host.querySelector('header .url')?.textContent).toBe('/newest'));
    // The newest request, opened without a hash, is named without adding a history entry.
    expect(location.hash).toBe('#/requests/new-2');
    const entries = history.length;
    expect(host.querySelector('button[aria-label="Close debug toolbar"]')).toBeNull();

    const row = await vi.waitFor(() => {
      const found = host.querySelector<HTMLElement>('tr[data-request-id="old-1"]');
      expect(found).not.toBeNull();
      return found!;
    });
    // The hash changes at once and the browser announces it a task later: both inside act().
    const hashChange = () => new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
    await act(async () => {
      const changed = hashChange();
      row.click();
      await changed;
    });
    await vi.waitFor(() => expect(host.querySelector('header .url')?.textContent).toBe('/api/posts'));
    expect(location.hash).toBe('#/requests/old-1');
    expect(history.length).toBe(entries + 1);

    // Escape has nothing to close either, and breaks nothing.
    await act(async () => host.querySelector('[role="region"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    await act(async () => {
      const changed = hashChange();
      location.hash = '#/requests/new-2';
      await changed;
    });
    await vi.waitFor(() => expect(host.querySelector('header .url')?.textContent).toBe('/newest'));
  });
});
