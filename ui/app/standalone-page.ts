/** The full-page app at `{mountPath}/` (see ui/standalone.ts, which loads this through app.js). */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { RequestListResponse } from '../../server/types.js';
import { App } from './App.js';
import { requestIdFromHash } from './hash-selection.js';
import { PANELS } from './panels.js';
import { APP_CSS } from './styles.js';

export { requestIdFromHash };

const STANDALONE_CSS = 'html,body{margin:0;background:#17181b}.edt-app .panel{border-top:0;box-shadow:none}';

async function newestRequestId(mountPath: string): Promise<string | null> {
  const response = await fetch(`${mountPath}/api/requests`, { headers: { accept: 'application/json' } });
  if (!response.ok) return null;
  const body = (await response.json()) as Partial<RequestListResponse>;
  return body.requests?.[0]?.id ?? null;
}

/** Mounts the full-page app into `host`; resolves once rendered (or once it said there is nothing yet). */
export async function mountStandalone(host: HTMLElement, mountPath: string, hash: string): Promise<void> {
  const doc = host.ownerDocument;
  const style = doc.createElement('style');
  style.textContent = [STANDALONE_CSS, APP_CSS, ...PANELS.map((p) => p.css ?? '')].join('\n');
  doc.head.append(style);
  const container = doc.createElement('div');
  container.className = 'edt-app';
  host.append(container);

  const wanted = requestIdFromHash(hash);
  const first = wanted ?? (await newestRequestId(mountPath).catch(() => null));
  if (!first) {
    container.textContent = 'No requests recorded yet: make one in your app, then reload this page.';
    container.style.padding = '16px';
    return;
  }
  const panels = [...PANELS.filter((p) => p.id === 'history'), ...PANELS.filter((p) => p.id !== 'history')];
  createRoot(container).render(
    // No onClose: the page is the toolbar, so there is nothing to close (no × button).
    createElement(App, { requestId: first, mountPath, panels, initialTab: 'history', fullPage: true }),
  );
}

