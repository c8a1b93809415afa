import type { ServerResponse } from 'node:http';

/*
 * `GET {mountPath}/`: a full page for apps that serve no HTML (JSON APIs), where the launcher has
 * nothing to be injected into. The page is the toolbar's own route, so nothing is injected into it
 * and it carries a CSP of its own rather than the app's.
 */

/** The standalone page's policy: its script and fetches come from the same origin only. */
export const STANDALONE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's HTML: an empty root and the standalone bundle, which reads the mount path from its
 * own tag and the request to open from `#/requests/<id>`.
 *
 * @example
 * standaloneHtml('/__toolbar') // '<!doctype html>…<script type="module" src="/__toolbar/static/standalone.js" …>'
 */
export function standaloneHtml(mountPath: string): string {
  const mount = escapeHtml(mountPath);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<title>Debug toolbar — request history</title>',
    // An empty icon: without one the browser asks the app for /favicon.ico and logs its 404.
    '<link rel="icon" href="data:,">',
    '</head>',
    '<body>',
    '<div id="root"></div>',
    `<script type="module" src="${mount}/static/standalone.js" data-mount-path="${mount}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Sends the standalone page (a HEAD gets the headers only). */
export function serveStandalonePage(res: ServerResponse, mountPath: string, head: boolean): void {
  const html = standaloneHtml(mountPath);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', STANDALONE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Length', Buffer.byteLength(html));
  res.end(head ? undefined : html);
}

/** `{mountPath}` without its slash: the page's relative URLs need the slash form. */
export function redirectToSlash(res: ServerResponse, mountPath: string, query: string): void {
  res.statusCode = 301;
  res.setHeader('Location', `${mountPath}/${query}`);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}
