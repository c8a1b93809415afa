import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../server/index.js';
import { createAssetReader } from '../../server/api/static-assets.js';
import { fetchRecorded, listen } from '../support/http.js';

describe('the JSON API', () => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ mountPath: '/_debug' }));
    app.get('/page', (_req, res) => res.type('html').send('<html><body>hi</body></html>'));
    server = await listen(app);
  });
  afterAll(() => server?.close());

  it('serves a record under a custom mount path', async () => {
    const { detail, body } = await fetchRecorded(server.url, '/page', '/_debug');
    expect(detail).toMatchObject({
      method: 'GET', url: '/page', status: 200,
      panels: { sql: { queries: [], duplicates: [], nPlusOne: [] }, templates: { renders: [] }, timeline: { spans: expect.any(Array) } },
    });
    expect(body).toContain('src="/_debug/static/launcher.js"');
    expect(body).toContain('data-mount-path="/_debug"');
  });

  it('stores the URL with secrets in its query string redacted', async () => {
    const { detail } = await fetchRecorded(server.url, '/page?api_key=abc123&password=hunter2&page=2', '/_debug');
    expect(detail.url).not.toMatch(/abc123|hunter2/);
    expect(detail.url).toMatch(/^\/page\?api_key=.*redacted.*&password=.*redacted.*&page=2$/);
  });

  it.each([
    ['/_debug/api/requests/unknown-id', 404, /no recorded request with id "unknown-id"/],
    ['/_debug/api/requests/..%2F..%2Fetc%2Fpasswd', 404, /no recorded request/],
    ['/_debug/api/requests/%E0%A4%A', 404, /no recorded request/],
    ['/_debug/api/requests/a/b', 404, /unknown toolbar endpoint/],
    ['/_debug/api/nothing', 404, /unknown toolbar endpoint/],
    ['/_debug/static/..%2Fserver%2Findex.js', 404, /no toolbar asset/],
    ['/_debug/static/../../package.json', 404, /.*/],
    ['/_debug/whatever', 404, /unknown toolbar path/],
  ])('GET %s → %i JSON', async (path, status, message) => {
    const response = await fetch(server.url + path);
    expect(response.status).toBe(status);
    if (response.headers.get('content-type')?.startsWith('application/json')) {
      expect((await response.json()).error).toMatch(message);
    }
  });

  it('answers other methods with 405 and a JSON error', async () => {
    const response = await fetch(`${server.url}/_debug/api/requests`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await response.json()).error).toMatch(/POST is not allowed/);
  });

  it('leaves paths that only start like the mount path to the app', async () => {
    const response = await fetch(`${server.url}/_debugger`);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/Cannot GET \/_debugger/);
  });
});

describe('static assets', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edt-assets-'));
  writeFileSync(join(folder, 'launcher.js'), 'console.log(1)');
  writeFileSync(join(folder, 'app-Bx7d9QzA.js'), 'export {}');
  writeFileSync(join(folder, 'notes.txt'), 'secret');
  const read = createAssetReader(folder);

  it('serves known file types with an etag; hashed names are immutable', () => {
    expect(read('launcher.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: false });
    expect(read('app-Bx7d9QzA.js')?.immutable).toBe(true);
    expect(read('launcher.js')?.etag).toMatch(/^"[\w-]+"$/);
  });

  it('does not remember names it could not find', () => {
    expect(read('late.js')).toBeNull();
    writeFileSync(join(folder, 'late.js'), 'export {}');
    expect(read('late.js')?.body.toString()).toBe('export {}');
  });

  it.each(['notes.txt', '../launcher.js', 'a/../launcher.js', '/etc/passwd', '.hidden.js', 'missing.js', ''])(
    'refuses %j', (name) => {
      expect(read(name)).toBeNull();
    });
});
