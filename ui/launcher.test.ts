// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppModule, MountOptions } from './app/mount-options.js';
import { describeCounts, needsAttention, readConfig } from './launcher/config.js';
import { boot, type LauncherHandle } from './launcher.js';

describe('readConfig', () => {
  it('reads the injected dataset', () => {
    expect(
      readConfig({ requestId: 'abc-12', mountPath: '/dbg/', queryCount: '7', duplicateCount: '2', nPlusOneCount: '0' }, 'n0nce'),
    ).toEqual({ requestId: 'abc-12', mountPath: '/dbg', queryCount: 7, duplicateCount: 2, nPlusOneCount: 0, nonce: 'n0nce' });
  });
  it('defaults the mount path and bad counts, and needs a request id', () => {
    expect(readConfig({ requestId: 'r', queryCount: 'x' }, undefined)).toMatchObject({ mountPath: '/__toolbar', queryCount: 0 });
    expect(readConfig({ mountPath: '/__toolbar' }, undefined)).toBeNull();
  });

  const attention: Array<[number, number, number, boolean]> = [
    [7, 0, 0, false],
    [7, 2, 0, true],
    [7, 0, 1, true],
    [20, 0, 0, false],
    [21, 0, 0, true],
  ];
  it.each(attention)('needsAttention(queries %d, duplicates %d, N+1 %d) → %s', (queryCount, duplicateCount, nPlusOneCount, expected) => {
    expect(needsAttention({ queryCount, duplicateCount, nPlusOneCount })).toBe(expected);
  });

  it('describes the counts', () => {
    expect(describeCounts({ queryCount: 1, duplicateCount: 0, nPlusOneCount: 0 })).toBe('1 query');
    expect(describeCounts({ queryCount: 7, duplicateCount: 2, nPlusOneCount: 1 })).toBe('7 queries, 2 duplicated, 1 N+1');
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
    inject({ 'data-request-id': 'abc-12', 'data-mount-path': '/__toolbar', 'data-query-count': '7', 'data-duplicate-count': '2', 'data-n-plus-one-count': '0' });
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
