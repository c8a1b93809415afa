import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import { debugToolbar } from '../../server/index.js';
import { replayedRequestId } from '../../server/request/cache-replay.js';
import { listen, listRequests, waitForRecord } from '../support/http.js';
import { sqlCounts } from '../support/launcher-badges.js';

/*
 * Issue 12: response caches that replay stored headers sent the first request's
 * X-Debug-Toolbar-Id and -Link with every cached hit, while the launcher in the body named the
 * current request. apicache is not among the project's packages, so `replayCache` below does
 * what apicache 1.6 does (src/apicache.js: makeResponseCacheable, sendCachedResponse): on a miss
 * it wraps writeHead/write/end and stores `res.getHeaders()` with the body; on a hit it copies
 * the current headers, assigns the stored ones over them and calls `res.writeHead(status,
 * headers)` then `res.end(data, encoding)`, or `writeHead(304, headers)` when the ETag matches.
 */
interface Entry { status: number; headers: OutgoingHttpHeaders; data: Buffer | string; encoding: BufferEncoding | undefined }

function replayCache() {
  const entries = new Map<string, Entry>();
  return function cache(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) {
    const key = req.originalUrl ?? req.url ?? '/';
    const hit = entries.get(key);
    if (hit) {
      const headers = res.getHeaders();
      Object.assign(headers, hit.headers, { 'cache-control': 'max-age=60' });
      if (req.headers['if-none-match'] && req.headers['if-none-match'] === hit.headers.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(hit.status, headers);
      res.end(hit.data, hit.encoding as BufferEncoding);
      return;
    }
    const original = { writeHead: res.writeHead, write: res.write, end: res.end };
    let stored: OutgoingHttpHeaders | undefined;
    let content: Buffer | string | undefined;
    const accumulate = (chunk: unknown) => {
      if (typeof chunk === 'string') content = (typeof content === 'string' ? content : '') + chunk;
      else if (Buffer.isBuffer(chunk)) content = Buffer.concat([Buffer.from(content ?? ''), chunk]);
    };
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      stored = { ...res.getHeaders() };
      return (original.writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      accumulate(chunk);
      return (original.write as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, ...rest: unknown[]) {
      accumulate(chunk);
      if (content !== undefined && res.statusCode === 200) {
        entries.set(key, { status: res.statusCode, headers: stored ?? { ...res.getHeaders() }, data: content, encoding: typeof encoding === 'string' ? encoding as BufferEncoding : undefined });
      }
      return (original.end as (...a: unknown[]) => ServerResponse).apply(this, [chunk, encoding, ...rest]);
    } as ServerResponse['end'];
    next();
  };
}

describe('replayedRequestId', () => {
  it.each([
    ['a1b2-1', 'a1b2-9', 'a1b2-1'],
    ['a1b2-9', 'a1b2-9', undefined],
    [['a1b2-9', 'a1b2-3'], 'a1b2-9', 'a1b2-3'],
    [undefined, 'a1b2-9', undefined],
    ['<script>', 'a1b2-9', undefined],
    [42, 'a1b2-9', undefined],
  ])('%j for request %s → %s', (header, own, expected) => expect(replayedRequestId(header, own)).toBe(expected));
});

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('a response cache replaying stored headers, on %s', (_name, express) => {
  let server: Awaited<ReturnType<typeof listen>>;
  const db = new Database(':memory:');

  beforeAll(async () => {
    db.exec(`CREATE TABLE posts (id integer PRIMARY KEY, title text NOT NULL);
      INSERT INTO posts (title) VALUES ('first'), ('second');`);
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    app.use(replayCache());
    app.get('/api/posts', (_req, res) => {
      const posts = db.prepare('SELECT id, title FROM posts ORDER BY id').all();
      const count = db.prepare('SELECT count(*) AS n FROM posts').get();
      res.set('ETag', '"posts-v1"').json({ posts, count });
    });
    app.get('/page', (_req, res) => {
      const posts = db.prepare('SELECT title FROM posts ORDER BY id').all() as { title: string }[];
      res.type('html').send(`<!doctype html><html><body><ul>${posts.map((p) => `<li>${p.title}</li>`).join('')}</ul></body></html>`);
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    db.close();
  });

  it('names the current request in X-Debug-Toolbar-Id and -Link on a hit, and its record says it came from the cache', async () => {
    const first = await fetch(`${server.url}/api/posts`);
    const firstId = first.headers.get('x-debug-toolbar-id')!;
    expect((await first.json()).posts).toHaveLength(2);
    const firstRecord = await waitForRecord(server.url, firstId);
    expect(firstRecord.queryCount).toBe(2);
    expect(firstRecord.replayedFrom).toBeUndefined();

    const hit = await fetch(`${server.url}/api/posts`);
    expect(hit.headers.get('cache-control')).toBe('max-age=60'); // the cache answered
    expect((await hit.json()).posts).toHaveLength(2);
    const hitId = hit.headers.get('x-debug-toolbar-id')!;
    expect(hitId).not.toBe(firstId);
    expect(hit.headers.get('x-debug-toolbar-link')).toBe(`/__toolbar/#/requests/${hitId}`);
    const record = await waitForRecord(server.url, hitId);
    expect(record).toMatchObject({ url: '/api/posts', status: 200, queryCount: 0, replayedFrom: firstId });
    // The stored response headers are the ones sent, naming this request.
    expect(record.responseHeaders).toContainEqual({ name: 'X-Debug-Toolbar-Id', value: hitId });
    const listed = (await listRequests(server.url)).requests.find((r) => r.id === hitId);
    expect(listed?.replayedFrom).toBe(firstId);
  });

  it('does the same for a 304 the cache answers from its stored ETag', async () => {
    const notModified = await fetch(`${server.url}/api/posts`, { headers: { 'if-none-match': '"posts-v1"' } });
    expect(notModified.status).toBe(304);
    const id = notModified.headers.get('x-debug-toolbar-id')!;
    const record = await waitForRecord(server.url, id);
    expect(record).toMatchObject({ status: 304, queryCount: 0 });
    expect(record.replayedFrom).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(record.replayedFrom).not.toBe(id);
  });

  it('on a cached HTML page, the headers and the launcher tag name the same request, and the tag says it was replayed', async () => {
    const first = await fetch(`${server.url}/page`);
    const firstId = first.headers.get('x-debug-toolbar-id')!;
    expect(await first.text()).toContain(`data-request-id="${firstId}"`);

    const hit = await fetch(`${server.url}/page`);
    const hitId = hit.headers.get('x-debug-toolbar-id')!;
    const body = await hit.text();
    expect(hitId).not.toBe(firstId);
    expect(body).toContain('<li>second</li>');
    expect(body).toContain(`data-request-id="${hitId}"`);
    expect(body).toContain(`data-replayed-from="${firstId}"`);
    expect(sqlCounts(body).queryCount).toBe(0);
    // The stored Content-Length was the page's before injection: dropped (writeHead came first, so chunked).
    const length = hit.headers.get('content-length');
    if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(body));
    expect(await waitForRecord(server.url, hitId)).toMatchObject({ queryCount: 0, replayedFrom: firstId });
  });

  it('leaves a request that no cache answered as it was', async () => {
    const fresh = await fetch(`${server.url}/page?fresh=1`);
    const id = fresh.headers.get('x-debug-toolbar-id')!;
    expect(await fresh.text()).not.toContain('data-replayed-from');
    const record = await waitForRecord(server.url, id);
    expect(record.queryCount).toBe(1);
    expect(record.replayedFrom).toBeUndefined();
  });
});
