import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { debugToolbar } from '../server/index.js';
import { standaloneHtml } from '../server/standalone-page.js';
import { listen } from './support/http.js';

describe('request links and the standalone page', () => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ mountPath: '/_debug' }));
    app.get('/api/items', (_req, res) => res.json({ items: [] }));
    server = await listen(app);
  });
  afterAll(() => server?.close());

  it('links every recorded response to its page', async () => {
    const response = await fetch(`${server.url}/api/items`);
    const id = response.headers.get('x-debug-toolbar-id');
    expect(id).toBeTruthy();
    expect(response.headers.get('x-debug-toolbar-link')).toBe(`/_debug/#/requests/${id}`);
  });

  it('serves the full-page shell with its own CSP, nothing injected', async () => {
    const response = await fetch(`${server.url}/_debug/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(response.headers.get('x-debug-toolbar-id')).toBeNull();
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>');
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('<script type="module" src="/_debug/static/standalone.js" data-mount-path="/_debug"></script>');
    expect(html).not.toContain('launcher.js');
  });

  it('redirects the mount path without its slash, keeping the query', async () => {
    const response = await fetch(`${server.url}/_debug?x=1`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/_debug/?x=1');
  });

  it('escapes the mount path in the shell', () => {
    const html = standaloneHtml('/a"b<c>&\'');
    expect(html).toContain('src="/a&#34;b&#60;c&#62;&#38;&#39;/static/standalone.js"');
    expect(html).not.toContain('/a"b');
  });
});
