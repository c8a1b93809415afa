// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detailOf, stubApi, summary } from '../testing/history.js';
import { withSql } from '../testing/panel-details.js';
import { setupDom } from '../testing/dom.js';
import { App } from './App.js';
import { PANELS } from './panels.js';

const dom = setupDom();

const form = summary('post-9', { method: 'POST', url: '/form', status: 303, location: '/done' });
const done = summary('done-2', { url: '/done', redirectedFrom: 'post-9' });
const broken = summary('err-3', {
  url: '/broken',
  status: 500,
  error: { message: 'Cannot read properties of undefined', stack: [{ file: '/app/src/routes/posts.ts', line: 42, column: 7, function: 'showPost' }] },
});
const filled = summary('fill-1', { url: '/api/posts', queryCount: 2 });
const hit = summary('hit-2', { url: '/api/posts', queryCount: 0, replayedFrom: 'fill-1' });
const details = {
  'post-9': detailOf(form), 'done-2': detailOf(done), 'err-3': detailOf(broken),
  'fill-1': detailOf(filled), 'hit-2': withSql(detailOf(hit), { queries: [], totalQueryMs: 0 }),
};
const tab = (name: string) => [...dom.container.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.firstChild!.textContent === name)!;

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('request notices', () => {
  it('links a redirected request to the request that redirected it', async () => {
    stubApi([[done, form]], details);
    await dom.render(<App requestId="done-2" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    const link = await vi.waitFor(() => {
      const a = dom.container.querySelector<HTMLAnchorElement>('.redirect-notice a');
      expect(a?.textContent).toBe('Redirected from POST /form (303)');
      return a!;
    });
    expect(link.getAttribute('href')).toBe('#/requests/post-9');
    await dom.click(link);
    await vi.waitFor(() => expect(dom.container.querySelector('header .url')!.textContent).toBe('/form'));
    expect(dom.container.querySelector('.selection-banner')!.textContent).toContain('POST /form (request post-9)');
    expect(dom.container.querySelector('.redirect-notice')).toBeNull();
  });

  it('shows the error and its frames on the SQL tab, not on the Timeline', async () => {
    stubApi([[broken]], details);
    await dom.render(<App requestId="err-3" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    const notice = await vi.waitFor(() => {
      const n = dom.container.querySelector('.error-notice');
      expect(n).not.toBeNull();
      return n!;
    });
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toContain('Error: Cannot read properties of undefined');
    expect([...notice.querySelectorAll('.error-stack li')].map((li) => li.textContent)).toEqual(['showPost /app/src/routes/posts.ts:42:7']);
    await dom.click(tab('Timeline'));
    expect(dom.container.querySelector('.error-notice')).toBeNull();
  });

  it('says a request was served from a response cache, and links the request whose headers it replayed', async () => {
    stubApi([[hit, filled]], details);
    await dom.render(<App requestId="hit-2" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
    const notice = await vi.waitFor(() => {
      const n = dom.container.querySelector('.cache-notice');
      expect(n).not.toBeNull();
      return n!;
    });
    expect(notice.textContent).toBe('0 queries: served from a cache. A response cache replayed the stored headers of request fill-1, which built this answer.');
    await dom.click(notice.querySelector('a'));
    await vi.waitFor(() => expect(dom.container.querySelector('.selection-banner')!.textContent).toContain('(request fill-1)'));
    expect(dom.container.querySelector('.cache-notice')).toBeNull();
  });
});
