// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppModule, MountOptions } from './app/mount-options.js';
import { describeBadges, describeFetches, readConfig } from './launcher/config.js';
import { badgesAttribute, sqlBadge } from './testing/launcher-tag.js';
import { boot, type LauncherHandle } from './launcher.js';

describe('readConfig', () => {
  it('reads the injected dataset', () => {
    expect(
      readConfig({ requestId: 'abc-12', mountPath: '/dbg/', badges: JSON.stringify([sqlBadge(7, { duplicated: 2 })]) }, 'n0nce'),
    ).toEqual({ requestId: 'abc-12', mountPath: '/dbg', nonce: 'n0nce', badges: [sqlBadge(7, { duplicated: 2 })] });
  });
  it('reads the panels\' badges, and ignores a malformed list rather than failing the page', () => {
    const badges = '[{"id":"logs","text":"2 warnings","tone":"warn"},{"id":"x"},7]';
    expect(readConfig({ requestId: 'r', badges }, undefined)?.badges).toEqual([{ id: 'logs', text: '2 warnings', tone: 'warn' }]);
    expect(readConfig({ requestId: 'r', badges: '{not json' }, undefined)?.badges).toEqual([]);
    expect(readConfig({ requestId: 'r', badges: '{"id":"logs"}' }, undefined)?.badges).toEqual([]);
    // A label, words or fetch sum of the wrong type would be drawn or read as something else.
    const odd = '[{"id":"a","text":"1","label":7},{"id":"b","text":"2","fetches":{"sum":1}},{"id":"c","text":"3","fetches":{"sum":"n","warnIf":"x"}}]';
    expect(readConfig({ requestId: 'r', badges: odd }, undefined)?.badges).toEqual([]);
  });
  it('defaults the mount path, and needs a request id', () => {
    expect(readConfig({ requestId: 'r' }, undefined)).toMatchObject({ mountPath: '/__toolbar', badges: [] });
    expect(readConfig({ mountPath: '/__toolbar' }, undefined)).toBeNull();
  });

  it("says each panel's badge in its own words, or its label and text", () => {
    const config = (badges: ReturnType<typeof sqlBadge>[], replayedFrom?: string) => ({ requestId: 'r', mountPath: '/m', badges, replayedFrom });
    expect(describeBadges(config([sqlBadge(1)]))).toBe('1 query');
    expect(describeBadges(config([sqlBadge(7, { duplicated: 2 }), { id: 'logs', text: '2 warnings' }]))).toBe('7 queries, 2 duplicated, 2 warnings');
    expect(describeBadges(config([{ id: 'x', label: 'Cache', text: '3' }]))).toBe('Cache 3');
    expect(describeBadges(config([sqlBadge(0)], 'r-1'))).toBe('0 queries, served from a cache');
  });

  it('reads the request a response cache replayed', () => {
    expect(readConfig({ requestId: 'r-2', replayedFrom: 'r-1' }, undefined)).toMatchObject({ requestId: 'r-2', replayedFrom: 'r-1' });
  });

  it.each([
    [3, 3, 450, '+450 in 3 fetches'],
    [1, 1, 0, '+0 in 1 fetch'],
    [3, 2, 12, '+12 in 2 of 3 fetches'],
    [2, 0, 0, '+… in 2 fetches'],
  ])('describeFetches(%d fired, %d known, %d queries) → %s', (fired, known, queries, text) => {
    expect(describeFetches(fired, known, queries)).toBe(text);
  });
});

describe('boot', () => {
  let handle: LauncherHandle | null = null;

  const inject = (attrs: Record<string, string>) => {
    const script = document.createElement('script');
    script.setAttribute('data-debug-toolbar', '');
    for (const [name, value] of Object.entries(attrs)) script.setAttribute(name, value);
    document.head.appendChild(script);
  };
  const fakeApp = () => {
    const mount = vi.fn((target: ShadowRoot | Element, options: MountOptions) => {
      const node = document.createElement('p');
      node.textContent = `app for ${options.requestId} at ${options.mountPath}`;
      target.appendChild(node);
      return () => node.remove();
    });
    return { mount, loadApp: vi.fn(async (): Promise<AppModule> => ({ mount })) };
  };
  const button = () => handle!.shadow.querySelector('button')!;

  beforeEach(() => {
    localStorage.clear();
    inject({ 'data-request-id': 'abc-12', 'data-mount-path': '/__toolbar', 'data-badges': JSON.stringify([sqlBadge(7, { duplicated: 2 })]) });
  });
  afterEach(() => {
    handle?.destroy();
    handle = null;
    document.head.innerHTML = '';
    vi.restoreAllMocks();
  });

  it('adds a closed button with the query count and a warning badge, without touching the page layout', () => {
    const bodyStyle = document.body.getAttribute('style');
    handle = boot(fakeApp());
    expect(handle).not.toBeNull();
    expect(document.body.lastElementChild?.tagName.toLowerCase()).toBe('express-debug-toolbar');
    expect(handle!.element.shadowRoot).toBe(handle!.shadow);
    expect(button().getAttribute('aria-label')).toBe('Debug toolbar');
    expect(button().getAttribute('aria-expanded')).toBe('false');
    expect(handle!.shadow.querySelector('.l-label')!.textContent).toBe('SQL');
    const badge = handle!.shadow.querySelector('.l-badge')!;
    expect(badge.textContent).toBe('7');
    expect(badge.classList.contains('l-warn')).toBe(true);
    expect(handle!.shadow.querySelector('style')!.textContent).toContain('all:initial');
    expect(document.body.getAttribute('style')).toBe(bodyStyle);
    expect(handle!.element.style.getPropertyValue('position')).toBe('fixed');
    expect(handle!.element.style.getPropertyPriority('position')).toBe('important');
  });

  it('loads and mounts the app on first open only, and persists the open state', async () => {
    const app = fakeApp();
    handle = boot(app);
    button().click();
    await vi.waitFor(() => expect(app.mount).toHaveBeenCalledTimes(1));
    expect(app.mount.mock.calls[0][1]).toMatchObject({ requestId: 'abc-12', mountPath: '/__toolbar' });
    await vi.waitFor(() => expect(button().getAttribute('aria-expanded')).toBe('true'));
    expect(handle!.shadow.textContent).toContain('app for abc-12 at /__toolbar');
    expect(localStorage.getItem('express-debug-toolbar:open')).toBe('true');

    button().click();
    await vi.waitFor(() => expect(button().getAttribute('aria-expanded')).toBe('false'));
    expect(localStorage.getItem('express-debug-toolbar:open')).toBe('false');
    button().click();
    await vi.waitFor(() => expect(button().getAttribute('aria-expanded')).toBe('true'));
    expect(app.loadApp).toHaveBeenCalledTimes(1);
    expect(app.mount).toHaveBeenCalledTimes(1);
  });

  it('toggles with Alt+Shift+D, and closes from the app through onClose', async () => {
    const app = fakeApp();
    handle = boot(app);
    window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyD', key: 'D', altKey: true, shiftKey: true }));
    await vi.waitFor(() => expect(app.mount).toHaveBeenCalled());
    expect(button().getAttribute('aria-expanded')).toBe('true');
    app.mount.mock.calls[0][1].onClose();
    await vi.waitFor(() => expect(button().getAttribute('aria-expanded')).toBe('false'));
    window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyD', key: 'D', altKey: true }));
    expect(button().getAttribute('aria-expanded')).toBe('false');
  });

  it('opens by itself when it was left open', async () => {
    localStorage.setItem('express-debug-toolbar:open', 'true');
    const app = fakeApp();
    handle = boot(app);
    await vi.waitFor(() => expect(app.mount).toHaveBeenCalled());
  });

  it('shows an error and warns once when the app fails to load', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    handle = boot({ loadApp: () => Promise.reject(new Error('404')) });
    button().click();
    await vi.waitFor(() => expect(handle!.shadow.querySelector('[role="alert"]')?.textContent).toMatch(/failed to load/));
    button().click();
    await vi.waitFor(() => expect(button().getAttribute('aria-expanded')).toBe('false'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(handle!.shadow.querySelectorAll('[role="alert"]')).toHaveLength(1);
  });

  it("says when the page's CSP blocked the panel script, with what to allow and a link to the full page", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    handle = boot({ loadApp: () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')) });
    // What the browser fires when script-src refuses the toolbar's chunk.
    const violation = Object.assign(new Event('securitypolicyviolation'), { blockedURI: `${location.origin}/__toolbar/static/app.js` });
    document.dispatchEvent(violation);
    button().click();
    const alert = await vi.waitFor(() => {
      const found = handle!.shadow.querySelector('[role="alert"]');
      expect(found).not.toBeNull();
      return found!;
    });
    expect(alert.textContent).toContain("This page's Content-Security-Policy blocks the debug toolbar's panel");
    expect(alert.textContent).toContain("'strict-dynamic'");
    expect(alert.textContent).toContain(`${location.origin}/__toolbar/`);
    expect(alert.querySelector('a')!.getAttribute('href')).toBe('/__toolbar/#/requests/abc-12');
  });

  it("ignores the page's other CSP violations, and links the full page on any load failure", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    handle = boot({ loadApp: () => Promise.reject(new Error('404')) });
    document.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { blockedURI: 'https://ads.example/x.js' }));
    button().click();
    const alert = await vi.waitFor(() => {
      const found = handle!.shadow.querySelector('[role="alert"]');
      expect(found).not.toBeNull();
      return found!;
    });
    expect(alert.textContent).toMatch(/failed to load/);
    expect(alert.textContent).not.toContain('Content-Security-Policy');
    expect(alert.querySelector('a')!.getAttribute('href')).toBe('/__toolbar/#/requests/abc-12');
  });

  it('does nothing without the script tag or a request id', () => {
    document.head.innerHTML = '';
    expect(boot()).toBeNull();
    inject({ 'data-mount-path': '/__toolbar' });
    expect(boot()).toBeNull();
  });
});

/*
 * Issue 12: htmx and Turbo swap the whole <body>, and the launcher went with it until a full
 * reload. These swap the body the way those libraries do: Turbo Drive replaces the element
 * (`document.body.replaceWith`) and restores cached clones of it on Back; htmx's hx-boost sets
 * the body's innerHTML, and its history restores a saved innerHTML.
 */
describe('body swaps', () => {
  let handle: LauncherHandle | null = null;
  const tag = (id: string, queries: number) =>
    `<script data-debug-toolbar data-request-id="${id}" data-mount-path="/__toolbar" data-badges="${badgesAttribute(sqlBadge(queries))}"></script>`;
  const newBody = (html: string) => {
    const body = document.createElement('body');
    body.innerHTML = html;
    return body;
  };
  const app = () => {
    const mount = vi.fn((_target: ShadowRoot | Element, _options: MountOptions) => () => {});
    return { mount, loadApp: async (): Promise<AppModule> => ({ mount }) };
  };
  const badge = () => handle!.shadow.querySelector('.l-badge')!.textContent;
  /** MutationObserver callbacks run as microtasks after the swap. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const shortcut = () => window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyD', key: 'D', altKey: true, shiftKey: true }));

  beforeEach(() => {
    localStorage.clear();
    document.body.innerHTML = `<main>page A</main>${tag('page-a', 4)}`;
  });
  afterEach(() => {
    handle?.destroy();
    handle = null;
    document.body.innerHTML = '';
  });

  it('Turbo Drive: the launcher is back in the new body, follows its tag, and the shortcut opens the new request', async () => {
    const { mount, loadApp } = app();
    handle = boot({ loadApp });
    expect(badge()).toBe('4');
    document.body.replaceWith(newBody(`<main>page B</main>${tag('page-b', 9)}`));
    await settle();
    expect(handle!.element.parentNode).toBe(document.body);
    expect(document.body.textContent).toContain('page B');
    expect(badge()).toBe('9');
    shortcut();
    await vi.waitFor(() => expect(mount).toHaveBeenCalledTimes(1));
    expect(mount.mock.calls[0][1].requestId).toBe('page-b');
    expect(handle!.shadow.querySelector('button')!.getAttribute('aria-expanded')).toBe('true');
  });

  it('Turbo Drive Back: a restored snapshot brings a copy of the launcher, which goes, and the old page\'s tag, which it follows', async () => {
    handle = boot(app());
    const snapshot = document.body.cloneNode(true) as HTMLElement; // what Turbo caches before leaving
    expect(snapshot.querySelector('express-debug-toolbar')).not.toBeNull();
    document.body.replaceWith(newBody(`<main>page B</main>${tag('page-b', 9)}`));
    await settle();
    expect(badge()).toBe('9');
    document.body.replaceWith(snapshot);
    await settle();
    const launchers = document.querySelectorAll('express-debug-toolbar');
    expect(launchers).toHaveLength(1);
    expect(launchers[0]).toBe(handle!.element);
    expect(badge()).toBe('4');
  });

  it('htmx hx-boost and history: innerHTML swaps of the body, the open panel follows the new request', async () => {
    localStorage.setItem('express-debug-toolbar:open', 'true');
    const { mount, loadApp } = app();
    handle = boot({ loadApp });
    await vi.waitFor(() => expect(mount).toHaveBeenCalledTimes(1));
    const saved = document.body.innerHTML; // htmx's history snapshot
    document.body.innerHTML = `<main>page C</main>${tag('page-c', 2)}`;
    await settle();
    expect(handle!.element.isConnected).toBe(true);
    expect(badge()).toBe('2');
    await vi.waitFor(() => expect(mount).toHaveBeenCalledTimes(2));
    expect(mount.mock.calls[1][1].requestId).toBe('page-c');

    document.body.innerHTML = saved; // Back: the saved HTML holds a copy of the launcher element
    await settle();
    expect(document.querySelectorAll('express-debug-toolbar')).toHaveLength(1);
    expect(badge()).toBe('4');
    await vi.waitFor(() => expect(mount).toHaveBeenCalledTimes(3));
    expect(mount.mock.calls[2][1].requestId).toBe('page-a');
  });

  it('keeps its request when the page adds to the body without a tag', async () => {
    handle = boot(app());
    document.body.append(Object.assign(document.createElement('div'), { textContent: 'toast' }));
    await settle();
    expect(badge()).toBe('4');
    expect(document.body.lastElementChild?.textContent).toBe('toast');
  });
});
