// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { boot, type LauncherHandle } from './launcher.js';
import { badgesAttribute, sqlBadge } from './testing/launcher-tag.js';

/*
 * Issue 12: the launcher's badge counted only the page's own request, while the fetch/htmx
 * requests the page fires often do the real work. `fetch` here answers like the app would (with
 * an X-Debug-Toolbar-Id) and like the toolbar's list endpoint would.
 */
describe('the requests the page fires', () => {
  let handle: LauncherHandle | null = null;
  const more = () => handle!.shadow.querySelector<HTMLElement>('.l-more')!;
  type Summary = { id: string; queryCount: number; duplicateCount: number; nPlusOneCount: number };
  /** What the list endpoint answers: `list` in turn, then `last` again and again. */
  const summaries: { list: Summary[][]; last: Summary[] } = { list: [], last: [] };

  beforeEach(() => {
    localStorage.clear();
    document.body.innerHTML = `<script data-debug-toolbar data-request-id="page-1" data-mount-path="/dbg" data-badges="${badgesAttribute(sqlBadge(12))}"></script>`;
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      if (url === '/dbg/api/requests') {
        const requests = summaries.list.splice(0, 1)[0] ?? summaries.last;
        return new Response(JSON.stringify({ requests }), { headers: { 'content-type': 'application/json' } });
      }
      return new Response('<li>row</li>', { headers: { 'X-Debug-Toolbar-Id': url.slice(1), 'Content-Type': 'text/html' } });
    }));
  });
  afterEach(() => {
    handle?.destroy();
    handle = null;
    document.body.innerHTML = '';
    vi.unstubAllGlobals();
  });

  it('adds their queries to the badge, "12 (+450 in 3 fetches)", in the warning colour when one needs a look', async () => {
    const fetched = [
      { id: 'f-1', queryCount: 400, duplicateCount: 0, nPlusOneCount: 1 },
      { id: 'f-2', queryCount: 30, duplicateCount: 0, nPlusOneCount: 0 },
      { id: 'f-3', queryCount: 20, duplicateCount: 0, nPlusOneCount: 0 },
    ];
    // The first answer misses f-3 (still being served): asked again, it is counted.
    summaries.list = [[{ id: 'page-1', queryCount: 12, duplicateCount: 0, nPlusOneCount: 0 }, ...fetched.slice(0, 2)]];
    summaries.last = fetched;
    handle = boot({ loadApp: () => Promise.reject(new Error('unused')) });
    expect(more().hidden).toBe(true);
    await Promise.all(['/f-1', '/f-2', '/f-3', '/f-2'].map((url) => window.fetch(url)));
    await vi.waitFor(() => expect(more().textContent).toBe('+430 in 2 of 3 fetches'), { timeout: 5000 });
    await vi.waitFor(() => expect(more().textContent).toBe('+450 in 3 fetches'), { timeout: 5000 });
    expect(more().hidden).toBe(false);
    expect(more().classList.contains('l-warn')).toBe(true);
    expect(handle!.shadow.querySelector('.l-badge')!.textContent).toBe('12');
    const button = handle!.shadow.querySelector('button')!;
    expect(button.textContent).toContain('12');
    expect(handle!.shadow.querySelector('.l-sr')!.textContent).toBe('12 queries; +450 in 3 fetches');
    expect(button.title).toBe('12 queries; +450 in 3 fetches (Alt+Shift+D)');
  });

  it('starts again from the page a body swap brings', async () => {
    summaries.list = [];
    summaries.last = [{ id: 'f-1', queryCount: 5, duplicateCount: 0, nPlusOneCount: 0 }];
    handle = boot({ loadApp: () => Promise.reject(new Error('unused')) });
    await window.fetch('/f-1');
    await vi.waitFor(() => expect(more().textContent).toBe('+5 in 1 fetch'), { timeout: 5000 });
    document.body.innerHTML = `<script data-debug-toolbar data-request-id="page-2" data-mount-path="/dbg" data-badges="${badgesAttribute(sqlBadge(3))}"></script>`;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(more().hidden).toBe(true);
    expect(handle!.shadow.querySelector('.l-sr')!.textContent).toBe('3 queries');
  });
});
