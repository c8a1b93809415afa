import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import session from 'express-session';
import type { ErrorRequestHandler } from 'express';
import { debugToolbar } from '../../../server/index.js';
import type { RequestData } from '../../../server/panels/request/types.js';
import { MAX_BODY_BYTES } from '../../../server/panels/request/capture.js';
import { listen } from '../../support/http.js';

/**
 * Issue 15, part 5: the Request panel's data on real Express 4 and 5 apps with express.json,
 * express.urlencoded and express-session: route, params, query, bodies, cookies, session keys.
 */
describe.each([[5, express], [4, express4 as unknown as typeof express]])('request data on Express %i', (_version, makeApp) => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = makeApp();
    app.use(debugToolbar());
    app.use(express.json({ limit: '1mb' }));
    app.use(express.urlencoded({ extended: false }));
    app.use(session({ secret: 'test secret', resave: false, saveUninitialized: true }));
    const api = express.Router();
    api.post('/users/:userId/orders', (req, res) => {
      (req.session as unknown as Record<string, unknown>).cart = ['a'];
      res.status(201).json({ id: 9, user: req.params.userId, apiToken: 'tok-123456', items: req.body.items });
    });
    api.get('/search', (_req, res) => res.send({ results: [] }));
    api.post('/big', (_req, res) => res.json({ ok: true }));
    api.get('/articles/:slug', (req, _res, next) => next(Object.assign(new Error(`no article ${req.params.slug}`), { status: 404 })));
    api.get('/me', (_req, res) => res.json({ user: { passwordHash: 'x', toJSON: () => ({ name: 'ada' }) } }));
    api.post('/notes', express.text({ type: 'text/plain' }), (req, res) => res.json({ length: String(req.body).length }));
    api.get('/reset/:code', (req, res) => res.json({ ok: req.params.code.length > 0 }));
    api.get('/bigint', (_req, res) => res.json({ n: 1n }));
    // A URL rewritten after the toolbar's record opened: the panel reads the URL as it is at the end.
    api.get('/rewrite', (req, res) => {
      (req as typeof req & { originalUrl: string }).originalUrl = '/api/rewritten?page=2&api_key=k-998877';
      res.json({ ok: true });
    });
    app.use('/api', api);
    app.post('/login', (_req, res) => res.redirect(303, '/'));
    const notFound: ErrorRequestHandler = (error, _req, res, _next) => res.status(error.status ?? 500).json({ message: error.message });
    app.use(notFound);
    ({ url: base, close } = await listen(app));
  });
  afterAll(() => close());

  const post = (path: string, body: string, type: string, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': type, ...headers } });

  async function dataOf(response: Response): Promise<RequestData> {
    await response.text();
    const id = response.headers.get('x-debug-toolbar-id')!;
    for (let attempt = 0; attempt < 50; attempt++) {
      const read = await fetch(`${base}/__toolbar/api/requests/${id}`);
      if (read.status === 200) return ((await read.json()) as { panels: { request: RequestData } }).panels.request;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('never stored');
  }

  it('records the route with its mount path, params, query, JSON bodies, cookies and session keys, secrets redacted', async () => {
    const response = await post('/api/users/42/orders?ref=mail&tag=a&tag=b&token=s3cr3t', JSON.stringify({ items: [1, 2], password: 'hunter22' }),
      'application/json', { cookie: 'theme=dark; sid=abc' });
    expect(response.status).toBe(201);
    const data = await dataOf(response);
    expect(data.route).toBe('/api/users/:userId/orders');
    expect(data.params).toEqual({ userId: '42' });
    expect(data.query).toEqual({ ref: 'mail', tag: ['a', 'b'], token: '[redacted]' });
    expect(data.body).toEqual({ value: { items: [1, 2], password: '[redacted]' } });
    expect(data.responseBody).toEqual({ value: { id: 9, user: '42', apiToken: '[redacted]', items: [1, 2] } });
    expect(data.cookies).toEqual(['theme', 'sid']);
    expect(data.session).toEqual(['cart']);
  });

  it('records a form body and a res.send(object) answer; no body for a GET', async () => {
    const form = await dataOf(await post('/login', 'user=ada&password=x', 'application/x-www-form-urlencoded'));
    expect(form.route).toBe('/login');
    expect(form.body).toEqual({ value: { user: 'ada', password: '[redacted]' } });
    expect(form.responseBody).toBeUndefined();
    const get = await dataOf(await fetch(`${base}/api/search?q=x`));
    expect(get.body).toBeUndefined();
    expect(get.responseBody).toEqual({ value: { results: [] } });
    expect(get.query).toEqual({ q: 'x' });
  });

  // Found on a real app: after an error reached the app's error handler, the route lost its mount
  // path and its params; a model's toJSON was ignored (its internals and hidden fields shown).
  it('keeps the route that answered through an error handler, and the JSON as sent', async () => {
    const failed = await dataOf(await fetch(`${base}/api/articles/hello-world`));
    expect(failed.route).toBe('/api/articles/:slug');
    expect(failed.params).toEqual({ slug: 'hello-world' });
    expect(failed.responseBody).toEqual({ value: { message: 'no article hello-world' } });
    const me = await dataOf(await fetch(`${base}/api/me`));
    expect(me.responseBody).toEqual({ value: { user: { name: 'ada' } } });
  });

  // Found by a review: a text body, a param the URL hid in its raw form, a res.json that threw,
  // and query names of Object.prototype.
  it('redacts text bodies and params as the URL does, survives a failed res.json and odd query names', async () => {
    const text = await dataOf(await post('/api/notes', 'user=ada&password=hunter2', 'text/plain'));
    expect(text.body).toEqual({ value: 'user=ada&password=[redacted]' });
    const reset = await dataOf(await fetch(`${base}/api/reset/Zk9xQm2LpR7tWv3Y4a==`));
    expect(JSON.stringify(reset)).not.toContain('Zk9xQm2LpR7tWv3Y4a');
    // The JSON recorded is the error handler's, not a leftover of the res.json that threw.
    const failed = await dataOf(await fetch(`${base}/api/bigint`));
    expect(failed.responseBody).toEqual({ value: { message: expect.stringContaining('BigInt') } });
    const odd = await dataOf(await fetch(`${base}/api/search?constructor=y&toString=z`));
    expect(odd.query).toEqual({ constructor: 'y', toString: 'z' });
  });

  // #17: the panel reuses the URL the core redacted when the request came in; not when it changed since.
  it('reads a URL rewritten during the request as it is at the end, redacted', async () => {
    const data = await dataOf(await fetch(`${base}/api/rewrite?token=t-554433`));
    expect(data.query).toEqual({ page: '2', api_key: '[redacted]' });
    expect(JSON.stringify(data)).not.toMatch(/k-998877|t-554433/);
  });

  it('keeps only the size of a body over the limit, and says no route matched a 404', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(MAX_BODY_BYTES + 10) });
    const data = await dataOf(await post('/api/big', big, 'application/json'));
    expect(data.body).toEqual({ omitted: expect.stringMatching(/^\d+ KB, over the 64 KB the toolbar keeps$/) });
    const missing = await dataOf(await fetch(`${base}/nowhere`));
    expect(missing.route).toBeNull();
  });
});
