// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleDetail } from '../testing/sample-detail.js';
import { App } from './App.js';
import { PANELS } from './panels.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;
const onClose = vi.fn();

const respond = (status: number, body: unknown) =>
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

async function render() {
  await act(async () => {
    root.render(<App requestId="abc-12" mountPath="/dbg" panels={PANELS} onClose={onClose} />);
  });
}

beforeEach(() => {
  localStorage.clear();
  onClose.mockReset();
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

describe('App', () => {
  it('fetches the request from the mount path and shows the header, tabs and totals', async () => {
    const fetch = respond(200, sampleDetail);
    await render();
    expect(fetch.mock.calls[0][0]).toBe('/dbg/api/requests/abc-12');
    await vi.waitFor(() => expect(container.querySelector('table')).not.toBeNull());
    const region = container.querySelector('[role="region"]')!;
    expect(region.getAttribute('aria-label')).toBe('Debug toolbar panel');
    expect(region.querySelector('header')!.textContent).toContain('express-debug-toolbar');
    expect(region.querySelector('header')!.textContent).toContain('GET/orders?page=1');
    expect(region.querySelector('.totals')!.textContent).toBe('7 queries · 12.3 ms');
    const tab = container.querySelector('[role="tab"]')!;
    expect(tab.textContent).toContain('SQL');
    expect(tab.getAttribute('aria-selected')).toBe('true');
    expect(container.querySelector(`#${tab.getAttribute('aria-controls')}`)!.getAttribute('role')).toBe('tabpanel');
    const separator = container.querySelector('[role="separator"]')!;
    expect(separator.getAttribute('aria-orientation')).toBe('horizontal');
  });

  it('has SQL, Timeline, Templates, Logs, Cache, Request and History tabs, and falls back to the first for a stored tab that no longer exists', async () => {
    localStorage.setItem('express-debug-toolbar:tab', JSON.stringify('profiler'));
    respond(200, sampleDetail);
    await render();
    const tabs = [...container.querySelectorAll('[role="tab"]')];
    expect(tabs.map((t) => t.firstChild!.textContent)).toEqual(['SQL', 'Timeline', 'Templates', 'Logs', 'Cache', 'Request', 'History']);
    expect(tabs[0].getAttribute('aria-selected')).toBe('true');
    await act(async () => (tabs[2] as HTMLElement).click());
    expect(localStorage.getItem('express-debug-toolbar:tab')).toBe('"templates"');
    await vi.waitFor(() => expect(container.querySelector('[role="tabpanel"]')!.textContent).toContain('No templates were rendered for this request.'));
  });

  it('Escape inside the query plan closes the plan, not the panel', async () => {
    const fetch = respond(200, sampleDetail);
    await render();
    await vi.waitFor(() => expect(container.querySelector('button[aria-label="Explain query 1"]')).not.toBeNull());
    fetch.mockResolvedValue(new Response(JSON.stringify({ error: 'no target' }), { status: 422 }));
    await act(async () => container.querySelector<HTMLButtonElement>('button[aria-label="Explain query 1"]')!.click());
    const plan = container.querySelector('[aria-label="Query plan for query 1"]')!;
    await act(async () => plan.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true })));
    expect(container.querySelector('[aria-label="Query plan for query 1"]')).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true })));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('shows the API error text', async () => {
    respond(404, { error: 'Request not found' });
    await render();
    await vi.waitFor(() => expect(container.querySelector('[role="alert"]')?.textContent).toContain('Request not found'));
  });

  it('resizes with the arrow keys and persists the height', async () => {
    respond(200, sampleDetail);
    await render();
    const separator = container.querySelector<HTMLElement>('[role="separator"]')!;
    const before = Number(separator.getAttribute('aria-valuenow'));
    await act(async () => separator.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true })));
    const after = Number(separator.getAttribute('aria-valuenow'));
    expect(after).toBeGreaterThan(before);
    expect(localStorage.getItem('express-debug-toolbar:height')).toBe(String(after));
    expect(container.querySelector<HTMLElement>('[role="region"]')!.style.height).toBe(`${after}px`);
  });

  it('closes from the close button and with Escape', async () => {
    respond(200, sampleDetail);
    await render();
    await act(async () => container.querySelector<HTMLButtonElement>('button[aria-label="Close debug toolbar"]')!.click());
    expect(onClose).toHaveBeenCalledTimes(1);
    await act(async () => container.querySelector('[role="tab"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
