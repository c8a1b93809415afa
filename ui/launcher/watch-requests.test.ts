// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchRequests } from './watch-requests.js';

const withId = (id: string | null, body = '{}') => new Response(body, { headers: id ? { 'X-Debug-Toolbar-Id': id, 'Content-Type': 'application/json' } : {} });

/** Just enough of XMLHttpRequest to drive `send` → `load` with response headers, as htmx uses it. */
class FakeXhr extends EventTarget {
  static last: FakeXhr | null = null;
  headers: Record<string, string> = {};
  onload: (() => void) | null = null;
  send(): void {
    FakeXhr.last = this;
  }
  getResponseHeader(name: string): string | null {
    return this.headers[name.toLowerCase()] ?? null;
  }
  respond(headers: Record<string, string>): void {
    this.headers = headers;
    this.onload?.();
    this.dispatchEvent(new Event('load'));
  }
}

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('watchRequests', () => {
  it("reports the toolbar id of fetch responses, and hands the page fetch's own promise back", async () => {
    const pending = Promise.resolve(withId('f-1'));
    const native = vi.fn((..._args: unknown[]) => pending);
    vi.stubGlobal('fetch', native);
    const seen: string[] = [];
    stop = watchRequests((id) => seen.push(id));
    expect(window.fetch).not.toBe(native);
    const returned = window.fetch('/api/posts', { method: 'POST' });
    expect(returned).toBe(pending);
    expect(native).toHaveBeenCalledWith('/api/posts', { method: 'POST' });
    await returned;
    await vi.waitFor(() => expect(seen).toEqual(['f-1']));
  });

  it('ignores responses without an id, and leaves a failed fetch to the page', async () => {
    const failure = new TypeError('Failed to fetch');
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      if (url === '/down') throw failure;
      return withId(null);
    }));
    const seen: string[] = [];
    stop = watchRequests((id) => seen.push(id));
    await window.fetch('/no-toolbar');
    await expect(window.fetch('/down')).rejects.toBe(failure);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([]);
  });

  it('keeps a throwing listener away from the page', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => withId('f-2')));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    stop = watchRequests(() => {
      throw new Error('toolbar bug');
    });
    await expect(window.fetch('/x').then((r) => r.json())).resolves.toEqual({});
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('reports XHR responses after the page read them (htmx swaps in its onload, first)', () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const order: string[] = [];
    stop = watchRequests((id) => order.push(`toolbar saw ${id}`));
    const xhr = new XMLHttpRequest() as unknown as FakeXhr;
    xhr.onload = () => order.push('page swapped');
    (xhr as unknown as XMLHttpRequest).send();
    xhr.respond({ 'x-debug-toolbar-id': 'x-1' });
    expect(order).toEqual(['page swapped', 'toolbar saw x-1']);
  });

  it('puts fetch and XHR back when stopped, unless something wrapped them since (then it only stops reporting)', async () => {
    const native = vi.fn(async () => withId('f-3'));
    vi.stubGlobal('fetch', native);
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const send = FakeXhr.prototype.send;
    const first = watchRequests(() => {});
    expect(FakeXhr.prototype.send).not.toBe(send);
    first();
    expect(window.fetch).toBe(native);
    expect(FakeXhr.prototype.send).toBe(send);

    const seen: string[] = [];
    const second = watchRequests((id) => seen.push(id));
    const ours = window.fetch;
    const theirs = (...args: Parameters<typeof fetch>) => ours(...args);
    window.fetch = theirs;
    second();
    expect(window.fetch).toBe(theirs);
    await window.fetch('/x');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual([]);
  });
});
