/**
 * The few lines injected into every HTML page: a button in a shadow root, a keyboard shortcut
 * (Alt+Shift+D), and a lazy `import()` of the React app on first open. No React here: this file
 * is loaded on every page and must stay tiny.
 *
 * It outlives body swaps (htmx, Turbo Drive) and then follows the request the new content came
 * from; its badge adds the queries of the fetch/XHR requests the page fires.
 */
import type { AppModule } from './app/mount-options.js';
import { describeBadges, describeFetches, readConfig, type LauncherConfig } from './launcher/config.js';
import { adoptStyles } from './launcher/adopt-styles.js';
import { keepInDocument } from './launcher/keep-in-document.js';
import { requestCounts } from './launcher/request-counts.js';
import { LAUNCHER_CSS } from './launcher/styles.js';
import { watchRequests } from './launcher/watch-requests.js';
import { isBoolean, readState, writeState } from './state/storage.js';

export const ELEMENT_NAME = 'express-debug-toolbar';

const HOST_STYLE: Record<string, string> = {
  position: 'fixed',
  right: '0',
  bottom: '0',
  width: '0',
  height: '0',
  margin: '0',
  padding: '0',
  border: '0',
  'z-index': '2147483646',
};

export interface LauncherHandle {
  element: HTMLElement;
  shadow: ShadowRoot;
  setOpen: (open: boolean) => Promise<void>;
  destroy: () => void;
}

export interface BootOptions {
  /** Loads the app module; tests replace it. Defaults to `./app.js` beside this file. */
  loadApp?: () => Promise<AppModule>;
}

const defaultLoadApp = (): Promise<AppModule> =>
  // Relative to this file, so the toolbar works under any mount path.
  import(/* @vite-ignore */ new URL(/* @vite-ignore */ './app.js', import.meta.url).href) as Promise<AppModule>;

const CSP_TEXT = "This page's Content-Security-Policy blocks the debug toolbar's panel. Add 'strict-dynamic' to script-src, or allow ";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Finds the injected script tag and installs the toolbar; null when there is no tag (or the
 * toolbar is already on the page).
 *
 * @example
 * boot(); // in the browser, from the injected <script type="module" … data-debug-toolbar>
 */
export function boot(options: BootOptions = {}): LauncherHandle | null {
  const script = document.querySelector<HTMLScriptElement>('script[data-debug-toolbar]');
  if (!script || document.querySelector(ELEMENT_NAME)) return null;
  const config = readConfig(script.dataset, script.nonce || script.getAttribute('nonce') || undefined);
  if (!config) return null;
  return install(config, options.loadApp ?? defaultLoadApp);
}

/** The launcher on the page; a copy of its element (a swap library's snapshot of the body) removes itself. */
let liveHost: HTMLElement | null = null;

const TAG = 'script[data-debug-toolbar]';

function install(first: LauncherConfig, loadApp: () => Promise<AppModule>): LauncherHandle {
  let config = first;
  if (!customElements.get(ELEMENT_NAME)) {
    customElements.define(ELEMENT_NAME, class extends HTMLElement {
      connectedCallback(): void {
        if (liveHost && this !== liveHost) this.remove();
      }
    });
  }
  const host = (liveHost = document.createElement(ELEMENT_NAME));
  // Inline !important beats any page rule (`body > * { position: relative }`…), so the host never
  // enters the page's flow. Set through CSSOM, which CSP allows.
  for (const [name, value] of Object.entries(HOST_STYLE)) host.style.setProperty(name, value, 'important');
  const shadow = host.attachShadow({ mode: 'open' });

  adoptStyles(shadow, LAUNCHER_CSS, config.nonce);
  const dock = el('div', 'l-dock');
  const button = el('button', 'l-toggle');
  button.type = 'button';
  button.setAttribute('aria-label', 'Debug toolbar');
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-keyshortcuts', 'Alt+Shift+D');
  const description = el('span', 'l-sr');
  description.id = 'edt-launcher-desc';
  button.setAttribute('aria-describedby', description.id);
  // What the panels show (server/panels/panel.ts `badge`): `SQL 7`, `2 warnings` from the Logs panel.
  const badges = el('span', 'l-extra');
  const more = el('span', 'l-badge l-more');
  button.append(badges, more, description);
  const panel = el('div', 'l-slot');
  panel.hidden = true;
  dock.append(button, panel);
  shadow.append(dock);
  document.body.appendChild(host);

  let open = false;
  let mounted: Promise<void> | null = null;
  let unmount: (() => void) | null = null;
  let warned = false;
  // The requests the page fired since it became the page, by id; their counts are read by id.
  let fired: string[] = [];
  const counts = requestCounts(config.mountPath, render);

  function render(): void {
    // The fetches' sum goes right after the badge that asks for it (the SQL panel's query count).
    const summed = config.badges.find((b) => b.fetches);
    let known = 0;
    let sum = 0;
    let warn = false;
    for (const id of fired) {
      const c = counts.known.get(id);
      if (c && summed?.fetches) {
        known++;
        sum += Number(c[summed.fetches.sum]) || 0;
        warn ||= (summed.fetches.warnIf ?? []).some((field) => c[field]);
      }
    }
    badges.replaceChildren(...config.badges.flatMap((b) => {
      const parts = b.label ? [el('span', 'l-label', b.label)] : [];
      parts.push(el('span', b.tone ? 'l-badge l-warn' : 'l-badge', b.text));
      if (b === summed) parts.push(more);
      return parts;
    }));
    more.hidden = !fired.length || !summed;
    more.className = warn ? 'l-badge l-more l-warn' : 'l-badge l-more';
    const text = describeBadges(config)
      + (fired.length && summed ? `; ${(more.textContent = describeFetches(fired.length, known, sum))}` : '');
    description.textContent = text;
    button.title = `${text} (Alt+Shift+D)`;
  }
  render();

  const stopWatching = watchRequests((id) => {
    if (id === config.requestId || fired.includes(id)) return;
    fired.push(id);
    counts.want(id);
    render();
  });

  // After a swap, the last tag names the request the new content came from (a restored snapshot
  // names the old one): its counts, no fetches yet, and an open panel shows it.
  const stopKeeping = keepInDocument(host, () => {
    const tags = document.querySelectorAll<HTMLScriptElement>(TAG);
    const next = tags.length ? readConfig(tags[tags.length - 1].dataset, config.nonce) : null;
    if (!next || next.requestId === config.requestId) return;
    config = next;
    fired = [];
    counts.clear();
    render();
    if (unmount) {
      unmount();
      unmount = null;
      mounted = null;
      if (open) void setOpen(true);
    }
  });

  // A page whose CSP lets the launcher run (its nonce) but not the scripts it imports: say so, and
  // link to the full-page toolbar, which the toolbar serves with a policy of its own.
  const assets = new URL(`${config.mountPath}/`, location.href).href;
  let blockedByCsp = false;
  const onViolation = (event: SecurityPolicyViolationEvent): void => {
    if (!event.blockedURI.startsWith(assets)) return;
    blockedByCsp = true;
    const text = shadow.querySelector('.l-error span');
    if (text) text.textContent = CSP_TEXT + assets;
  };
  document.addEventListener('securitypolicyviolation', onViolation);

  const showError = (error: unknown): void => {
    if (!warned) console.warn('[express-debug-toolbar] the panel failed to load', error);
    warned = true;
    if (shadow.querySelector('.l-error')) return;
    const message = el('div', 'l-error');
    message.setAttribute('role', 'alert');
    const link = el('a', '', 'Open the full-page toolbar');
    link.href = `${config.mountPath}/#/requests/${encodeURIComponent(config.requestId)}`;
    link.target = '_blank';
    message.append(el('span', '', blockedByCsp ? CSP_TEXT + assets : 'Debug toolbar failed to load. See the console.'), ' ', link);
    dock.insertBefore(message, button);
  };

  const ensureMounted = (): Promise<void> =>
    (mounted ??= loadApp().then(
      (app) => {
        unmount = app.mount(panel, {
          requestId: config.requestId,
          mountPath: config.mountPath,
          nonce: config.nonce,
          onClose: () => {
            void setOpen(false);
            button.focus();
          },
        });
      },
      (error: unknown) => {
        mounted = null; // let a later open retry
        throw error;
      },
    ));

  async function setOpen(next: boolean): Promise<void> {
    open = next;
    writeState('open', next);
    button.setAttribute('aria-expanded', String(next));
    if (!next) {
      panel.hidden = true;
      return;
    }
    try {
      await ensureMounted();
      panel.hidden = !open;
    } catch (error) {
      open = false;
      button.setAttribute('aria-expanded', 'false');
      showError(error);
    }
  }

  const onClick = (): void => void setOpen(!open);
  const onKey = (event: KeyboardEvent): void => {
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyD') {
      event.preventDefault();
      void setOpen(!open);
    }
  };
  button.addEventListener('click', onClick);
  window.addEventListener('keydown', onKey);

  if (readState('open', false, isBoolean)) void setOpen(true);

  return {
    element: host,
    shadow,
    setOpen,
    destroy: () => {
      stopWatching();
      stopKeeping();
      counts.clear();
      liveHost = null;
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('securitypolicyviolation', onViolation);
      unmount?.();
      host.remove();
    },
  };
}

if (typeof document !== 'undefined') {
  try {
    boot();
  } catch (error) {
    // The toolbar must never break the host page.
    console.warn('[express-debug-toolbar] could not start', error);
  }
}
