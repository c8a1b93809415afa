import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import onHeaders from 'on-headers';
import { disableConditionalGet, interceptHtml } from '../../server/inject/html-injection.js';

// The npm alias has no type declarations; its API is the part of Express 5's that these tests use.
const express4 = createRequire(import.meta.url)('express4') as typeof express;

const SNIPPET = '<script data-test-snippet></script>';
const MAX_BYTES = 64 * 1024;
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const pageFile = `${fixtures}page.html`;
const pageBytes = readFileSync(pageFile);

const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>héllo €</p></body></html>';
const withSnippet = (html: string) => html.replace(/<\/body>(?![\s\S]*<\/body>)/i, `${SNIPPET}</body>`);
const BIG = `<html><body>${'x'.repeat(MAX_BYTES + 10)}</body></html>`;
const GZIPPED = gzipSync(Buffer.from(PAGE));

const pause = () => new Promise((resolve) => setImmediate(resolve));

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** Raw bytes as sent, since fetch would decode Content-Encoding. */
function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

async function get(url: string, init?: RequestInit): Promise<{ res: Response; body: Buffer }> {
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  // Whenever a length is declared it must be the real one, injected or not.
  const length = res.headers.get('content-length');
  if (length !== null && init?.method !== 'HEAD') expect(Number(length)).toBe(body.length);
  return { res, body };
}

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('interceptHtml with %s', (_name, expressLib) => {
  let base = '';
  let server: http.Server;
  let snippet: () => string;
  let onSkip: (reason: string) => void;
  let skips: string[];
  let errors: unknown[];
  let streamLog: { writeReturns: boolean[]; callbacks: string[] };

  beforeEach(() => {
    snippet = () => SNIPPET;
    onSkip = (reason) => skips.push(reason);
    skips = [];
    errors = [];
    streamLog = { writeReturns: [], callbacks: [] };
  });

  beforeAll(async () => {
    const app = expressLib();
    app.set('views', `${fixtures}views`);
    app.set('view engine', 'ejs');
    app.use((req, res, next) => {
      disableConditionalGet(req);
      interceptHtml(req, res, {
        snippet: () => snippet(),
        maxBytes: MAX_BYTES,
        onSkip: (reason) => onSkip(reason),
        onError: (error) => errors.push(error),
      });
      next();
    });
    app.get('/send', (_req, res) => { res.send(PAGE); });
    app.get('/etag', (_req, res) => { res.set('ETag', '"v1"').send(PAGE); });
    app.get('/render', (_req, res) => { res.render('index', { title: 'Wörld <&>' }); });
    app.get('/file', (_req, res) => { res.sendFile(pageFile); });
    app.use('/static', expressLib.static(fixtures));
    app.get('/stream', async (_req, res) => {
      res.type('html');
      const e = Buffer.from('é');
      const parts = [Buffer.from('<html><body><p>caf'), e.subarray(0, 1), e.subarray(1), '</p></bo', 'dy', '>', '</html>'];
      for (const part of parts) {
        streamLog.writeReturns.push(res.write(part));
        await pause();
      }
      res.end();
    });
    app.get('/stream-callbacks', (_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      streamLog.writeReturns.push(res.write('<body>', () => streamLog.callbacks.push('write1')));
      streamLog.writeReturns.push(res.write(Buffer.from('x'), 'utf8', () => streamLog.callbacks.push('write2')));
      streamLog.writeReturns.push(res.write('3c2f626f64793e', 'hex'));
      res.end(() => streamLog.callbacks.push('end'));
    });
    app.get('/end-forms', (_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=latin1');
      res.end(Buffer.from('<body>caf\xe9</body>', 'latin1').toString('base64'), 'base64', () => streamLog.callbacks.push('end'));
    });
    app.get('/write-head', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(PAGE) });
      res.end(PAGE);
    });
    app.get('/chunked', (_req, res) => { res.set('Transfer-Encoding', 'chunked').type('html').send(PAGE); });
    app.get('/redirect', (_req, res) => { res.redirect('/send'); });
    app.get('/bad-write', (_req, res, next) => {
      res.type('html');
      try {
        res.write(42 as unknown as string);
      } catch (error) {
        next(error);
      }
    });
    app.get('/json', (_req, res) => { res.json({ html: '</body>' }); });
    app.get('/css', (_req, res) => { res.type('css').send('body{}</body>'); });
    app.get('/text-stream', (_req, res) => {
      res.type('text');
      streamLog.writeReturns.push(res.write('a</body>'));
      res.end('b');
    });
    app.get('/no-content', (_req, res) => { res.status(204).type('html').send(PAGE); });
    app.get('/no-body-close', (_req, res) => { res.type('html').send('<p>fragment</p>'); });
    app.get('/gzip', (_req, res) => { res.set('Content-Encoding', 'gzip').type('html').send(GZIPPED); });
    app.get('/big', (_req, res) => { res.type('html').send(BIG); });
    app.get('/big-stream', (_req, res) => {
      res.type('html');
      for (let i = 0; i < BIG.length; i += 10_000) res.write(BIG.slice(i, i + 10_000));
      res.end();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('injects into res.send and sets the new Content-Length, dropping the ETag', async () => {
    const { res, body } = await get(`${base}/send`);
    expect(body.toString()).toBe(withSnippet(PAGE));
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(withSnippet(PAGE))));
    expect(res.headers.get('etag')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('injects into an EJS view rendered with a partial', async () => {
    const { res, body } = await get(`${base}/render`);
    const html = body.toString();
    expect(html).toContain('<p class="item">Hello Wörld &lt;&amp;&gt;</p>');
    expect(html).toMatch(new RegExp(`${SNIPPET}</body>\\s*</html>\\s*$`));
    expect(res.headers.get('content-length')).toBe(String(body.length));
  });

  it.each(['/file', '/static/page.html'])('injects into a file sent by %s, going chunked', async (path) => {
    const { res, body } = await get(`${base}${path}`);
    expect(body.equals(Buffer.from(withSnippet(pageBytes.toString('utf8'))))).toBe(true);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
  });

  it('injects into a streamed body whose </body> and a UTF-8 character span chunks', async () => {
    const { body } = await get(`${base}/stream`);
    expect(body.toString('utf8')).toBe(`<html><body><p>café</p>${SNIPPET}</body></html>`);
    expect(streamLog.writeReturns).toEqual([true, true, true, true, true, true, true]);
  });

  it('invokes write and end callbacks and decodes each chunk with its encoding', async () => {
    const { body } = await get(`${base}/stream-callbacks`);
    expect(body.toString()).toBe(`<body>x${SNIPPET}</body>`);
    expect(streamLog.writeReturns).toEqual([true, true, true]);
    await vi.waitFor(() => expect(streamLog.callbacks).toEqual(['write1', 'write2', 'end']));
  });

  it('handles res.end(chunk, encoding, cb) with non-UTF-8 bytes', async () => {
    const { body } = await get(`${base}/end-forms`);
    expect(body.equals(Buffer.concat([Buffer.from('<body>caf\xe9', 'latin1'), Buffer.from(`${SNIPPET}</body>`)]))).toBe(true);
    await vi.waitFor(() => expect(streamLog.callbacks).toEqual(['end']));
  });

  it('drops a Content-Length given to an explicit writeHead', async () => {
    const { res, body } = await get(`${base}/write-head`);
    expect(body.toString()).toBe(withSnippet(PAGE));
    expect(res.headers.get('content-length')).toBeNull();
  });

  it.each([
    ['/json', '{"html":"</body>"}', 'not HTML (content-type application/json)'],
    ['/css', 'body{}</body>', 'not HTML (content-type text/css)'],
    ['/text-stream', 'a</body>b', 'not HTML (content-type text/plain)'],
  ])('leaves %s untouched', async (path, expected, reason) => {
    const { res, body } = await get(`${base}${path}`);
    expect(body.toString()).toBe(expected);
    expect(skips).toEqual([reason]);
    if (path !== '/text-stream') expect(res.headers.get('etag')).not.toBeNull();
  });

  it('leaves HEAD alone', async () => {
    const { res, body } = await get(`${base}/send`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(body.length).toBe(0);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(PAGE)));
    expect(skips).toEqual(['HEAD request']);
  });

  it('injects into the default 404 page of finalhandler', async () => {
    const { res, body } = await get(`${base}/missing`);
    expect(res.status).toBe(404);
    expect(body.toString()).toMatch(new RegExp(`Cannot GET /missing</pre>\\n${SNIPPET}</body>`));
    expect(res.headers.get('content-length')).toBe(String(body.length));
  });

  it('leaves HEAD of a static page alone: its length is the file\'s', async () => {
    const { res } = await get(`${base}/static/page.html`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(pageBytes.length));
    expect(skips).toEqual(['HEAD request']);
  });

  it('sets no Content-Length next to an explicit Transfer-Encoding', async () => {
    const raw = await rawGet(`${base}/chunked`);
    expect(raw.headers['content-length']).toBeUndefined();
    expect(raw.headers['transfer-encoding']).toBe('chunked');
    expect(raw.body.toString()).toBe(withSnippet(PAGE));
  });

  it('leaves a redirect alone (Express 5 gives it a </body>)', async () => {
    const { res, body } = await get(`${base}/redirect`, { redirect: 'manual', headers: { Accept: 'text/html' } });
    expect(res.status).toBe(302);
    expect(body.toString()).not.toContain(SNIPPET);
    expect(skips).toEqual(['status 302 (redirect)']);
  });

  it('lets Node reject a bad chunk before headers, so the error page can still be sent', async () => {
    const { res, body } = await get(`${base}/bad-write`);
    expect(res.status).toBe(500);
    expect(body.toString()).toContain(`${SNIPPET}</body>`);
    expect(errors).toEqual([]);
  });

  it('leaves 204 alone', async () => {
    const { res, body } = await get(`${base}/no-content`);
    expect(res.status).toBe(204);
    expect(body.length).toBe(0);
    expect(skips).toEqual(['status 204']);
  });

  // Raw requests: fetch adds `Cache-Control: no-cache` to conditional requests, which defeats 304.
  it('answers a page 200 with the toolbar instead of 304 when the browser asks for HTML', async () => {
    const headers = { 'If-None-Match': '"v1"' };
    const json = await rawGet(`${base}/etag`, { ...headers, Accept: 'application/json' });
    expect(json.status).toBe(304);
    expect(skips).toEqual(['status 304']);

    const page = await rawGet(`${base}/etag`, { ...headers, Accept: 'text/html,*/*;q=0.8' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe(withSnippet(PAGE));
    expect(page.headers['content-length']).toBe(String(page.body.length));
  });

  it('answers a static page 200 despite If-Modified-Since', async () => {
    const since = new Date(Date.now() + 86_400_000).toUTCString();
    const other = await rawGet(`${base}/file`, { 'If-Modified-Since': since, Accept: '*/*' });
    expect(other.status).toBe(304);

    const page = await rawGet(`${base}/file`, { 'If-Modified-Since': since, Accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe(withSnippet(pageBytes.toString('utf8')));
  });

  it('passes a Content-Encoding body through byte-identical', async () => {
    const raw = await rawGet(`${base}/gzip`);
    expect(raw.body.equals(GZIPPED)).toBe(true);
    expect(raw.headers['content-length']).toBe(String(GZIPPED.length));
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(skips).toEqual(['content-encoding gzip']);
  });

  it('writes a page without </body> byte-identical, keeping its ETag', async () => {
    const { res, body } = await get(`${base}/no-body-close`);
    expect(body.toString()).toBe('<p>fragment</p>');
    expect(res.headers.get('etag')).not.toBeNull();
    expect(skips).toEqual(['no </body>']);
  });

  it.each(['/big', '/big-stream'])('passes %s (over maxBytes) through unmodified', async (path) => {
    const { body } = await get(`${base}${path}`);
    expect(body.toString()).toBe(BIG);
    expect(skips).toEqual([`body larger than ${MAX_BYTES} bytes`]);
  });

  it('reports an onSkip failure and still serves the response', async () => {
    const failure = new Error('skip log failed');
    onSkip = () => { throw failure; };
    const { body } = await get(`${base}/json`);
    expect(body.toString()).toBe('{"html":"</body>"}');
    expect(errors).toEqual([failure]);
  });

  it.each(['/send', '/stream', '/file'])('serves %s unchanged when snippet() throws, reporting once', async (path) => {
    const failure = new Error('boom');
    snippet = () => { throw failure; };
    const { res, body } = await get(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(body.toString()).not.toContain(SNIPPET);
    expect(body.toString()).toMatch(/<\/body>\s*(<\/html>\s*)?$/);
    if (path === '/send') expect(body.toString()).toBe(PAGE);
    if (path === '/file') expect(body.equals(pageBytes)).toBe(true);
    expect(errors).toEqual([failure]);
  });
});

/** A minimal compression-like middleware: decides at writeHead, gzips text/html. */
function miniGzip(_req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void {
  const write = res.write as (...args: unknown[]) => boolean;
  const end = res.end as (...args: unknown[]) => http.ServerResponse;
  const implicitHeader = () => (res as http.ServerResponse & { _implicitHeader(): void })._implicitHeader();
  let gzip: ReturnType<typeof createGzip> | null = null;
  onHeaders(res, () => {
    if (!String(res.getHeader('content-type')).startsWith('text/html')) return;
    res.setHeader('Content-Encoding', 'gzip');
    res.removeHeader('Content-Length');
    gzip = createGzip();
    gzip.on('data', (part: Buffer) => write.call(res, part));
    gzip.on('end', () => end.call(res));
  });
  res.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
    if (!res.headersSent) implicitHeader();
    return gzip ? gzip.write(chunk) : write.call(res, chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: string | Buffer, ...rest: unknown[]) => {
    if (!res.headersSent) implicitHeader();
    if (!gzip) return end.call(res, chunk, ...rest);
    gzip.end(typeof chunk === 'function' || chunk === undefined ? undefined : chunk);
    return res;
  }) as typeof res.end;
  next();
}

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('ordering with a compression middleware, %s', (_name, expressLib) => {
  async function serve(toolbarFirst: boolean, path: string): Promise<{ raw: Raw; skips: string[] }> {
    const skips: string[] = [];
    const toolbar = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
      interceptHtml(req, res, { snippet: () => SNIPPET, maxBytes: MAX_BYTES, onSkip: (r) => skips.push(r), onError: () => {} });
      next();
    };
    const app = expressLib();
    app.use(toolbarFirst ? toolbar : miniGzip, toolbarFirst ? miniGzip : toolbar);
    app.get('/send', (_req, res) => { res.send(PAGE); });
    app.get('/file', (_req, res) => { res.sendFile(pageFile); });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      return { raw: await rawGet(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`), skips };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it.each(['/send', '/file'])('compression before the toolbar: %s is injected, then gzipped', async (path) => {
    const { raw, skips } = await serve(false, path);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-length']).toBeUndefined();
    const html = path === '/send' ? PAGE : pageBytes.toString('utf8');
    expect(gunzipSync(raw.body).toString()).toBe(withSnippet(html));
    expect(skips).toEqual([]);
  });

  it.each(['/send', '/file'])('toolbar before compression: %s gzip bytes are left alone', async (path) => {
    const { raw, skips } = await serve(true, path);
    expect(raw.headers['content-encoding']).toBe('gzip');
    const html = path === '/send' ? PAGE : pageBytes.toString('utf8');
    expect(gunzipSync(raw.body).toString()).toBe(html);
    expect(skips).toEqual(['content-encoding gzip']);
  });
});

describe('disableConditionalGet', () => {
  const request = (headers: Record<string, string>) =>
    ({ headers: { 'if-none-match': '"a"', 'if-modified-since': 'x', ...headers } }) as unknown as http.IncomingMessage;

  it.each([
    [{ accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, true],
    [{ accept: 'application/xhtml+xml' }, true],
    [{ accept: 'TEXT/HTML' }, true],
    [{ accept: 'application/json' }, false],
    [{ accept: '*/*' }, false],
    [{}, false],
  ])('%j → validators removed: %s', (headers, removed) => {
    const req = request(headers);
    disableConditionalGet(req);
    expect('if-none-match' in req.headers).toBe(!removed);
    expect('if-modified-since' in req.headers).toBe(!removed);
  });
});
