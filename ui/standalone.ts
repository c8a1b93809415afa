/**
 * `dist/ui/standalone.js`: the full-page toolbar at `{mountPath}/`, History first. The server's
 * HTML shell loads it as `<script type="module" src="{mountPath}/static/standalone.js"
 * data-mount-path="{mountPath}">` next to `<div id="root">`; `#/requests/<id>` (the
 * `X-Debug-Toolbar-Link` header's target) opens that request.
 */
import type { mountStandalone } from './app/standalone-page.js';

// app.js carries React and the panels; importing it keeps them in one file for both pages.
const script = document.querySelector<HTMLScriptElement>('script[data-mount-path]');
const root = document.getElementById('root');
if (script && root) {
  const mountPath = (script.dataset.mountPath ?? '').replace(/\/+$/, '');
  void import('./app/main.js').then((app: { mountStandalone: typeof mountStandalone }) => app.mountStandalone(root, mountPath, location.hash));
}
