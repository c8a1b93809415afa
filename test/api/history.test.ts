import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar, memoryStore } from '../../server/index.js';
import type { Store } from '../../server/store/store.js';
import { BACKGROUND_CAPACITY } from '../../server/units/background.js';
import { standaloneHtml } from '../../server/api/standalone-page.js';
import { freezeError, parseStack } from '../../server/request/request-error.js';
import { redirectLocation, redirectSources } from '../../server/request/redirects.js';
import { liveListenerCount, MAX_STREAMS } from '../../server/api/live-events.js';
import type { HotspotsResponse, RequestListResponse, RequestSummary } from '../../server/types.js';
import { fetchRecorded, listen, waitForRecord } from '../support/http.js';

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
    expect(html).toContain('<link rel="icon" href="data:,">');
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

describe('live updates', () => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar());
    app.get('/api/items', (_req, res) => res.json({ items: [] }));
    server = await listen(app);
  });
  afterAll(() => server?.close());

  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  }

  it('streams each stored request as an SSE event and releases the listener on abort', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${server.url}/__toolbar/api/events`, { signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
    expect(stream.headers.get('connection')).toBe('keep-alive');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const reader = stream.body!.getReader();
    await readUntil(reader, /: connected/);
    expect(liveListenerCount()).toBe(1);

    const response = await fetch(`${server.url}/api/items?token=secret123`);
    const id = response.headers.get('x-debug-toolbar-id')!;
    await response.text();
    const text = await readUntil(reader, /event: request\n[^]*\n\n/);
    const data = /event: request\nid: [^\n]+\ndata: ([^\n]+)\n\n/.exec(text)![1];
    const summary = JSON.parse(data) as RequestSummary;
    expect(summary).toMatchObject({ id, method: 'GET', status: 200, queryCount: 0 });
    expect(summary.url).not.toContain('secret123');

    abort.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 50 && liveListenerCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(liveListenerCount()).toBe(0);
  });

  it('refuses HEAD on the stream rather than hold it open', async () => {
    const response = await fetch(`${server.url}/__toolbar/api/events`, { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(liveListenerCount()).toBe(0);
  });

  it('caps concurrent streams with a 503 JSON error', async () => {
    const abort = new AbortController();
    const open: Response[] = [];
    try {
      for (let i = 0; i < MAX_STREAMS; i++) open.push(await fetch(`${server.url}/__toolbar/api/events`, { signal: abort.signal }));
      expect(open.every((r) => r.status === 200)).toBe(true);
      const refused = await fetch(`${server.url}/__toolbar/api/events`);
      expect(refused.status).toBe(503);
      expect((await refused.json()).error).toMatch(/too many live event streams/);
    } finally {
      abort.abort();
    }
    for (let i = 0; i < 100 && liveListenerCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(liveListenerCount()).toBe(0);
  });

  it('polls with ?after=<id>: only newer requests, newest first; unknown id → all', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/api/items?n=${i}`);
      await response.text();
      ids.push(response.headers.get('x-debug-toolbar-id')!);
    }
    await waitForRecord(server.url, ids[2]);
    const after = (await (await fetch(`${server.url}/__toolbar/api/requests?after=${ids[0]}`)).json()) as RequestListResponse;
    expect(after.requests.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const newest = (await (await fetch(`${server.url}/__toolbar/api/requests?after=${ids[2]}`)).json()) as RequestListResponse;
    expect(newest.requests).toEqual([]);
    const unknown = (await (await fetch(`${server.url}/__toolbar/api/requests?after=nope-1`)).json()) as RequestListResponse;
    expect(unknown.requests.map((r) => r.id).slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
  });

  it.each(['', '..%2F', 'a b', 'x'.repeat(65)])('answers ?after=%j with a 400 JSON error', async (after) => {
    const response = await fetch(`${server.url}/__toolbar/api/requests?after=${after}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/`after` must be a request id/);
  });
});

describe('redirects', () => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar());
    app.post('/form', (_req, res) => res.redirect(303, '/done?token=s3cret&step=2'));
    app.get('/done', (_req, res) => res.json({ ok: true }));
    app.get('/away', (_req, res) => res.redirect('https://example.com/done'));
    server = await listen(app);
  });
  afterAll(() => server?.close());

  it('links the page a redirect led to back to the redirect', async () => {
    const post = await fetch(`${server.url}/form`, { method: 'POST', redirect: 'manual' });
    await post.text();
    const postId = post.headers.get('x-debug-toolbar-id')!;
    expect(post.status).toBe(303);
    const get = await fetch(new URL(post.headers.get('location')!, server.url));
    await get.text();
    const getId = get.headers.get('x-debug-toolbar-id')!;

    const postDetail = await waitForRecord(server.url, postId);
    expect(postDetail.location).toBe('/done?token=[redacted]&step=2');
    expect(postDetail.redirectedFrom).toBeUndefined();
    const getDetail = await waitForRecord(server.url, getId);
    expect(getDetail.redirectedFrom).toBe(postId);
    const list = (await (await fetch(`${server.url}/__toolbar/api/requests`)).json()) as RequestListResponse;
    expect(list.requests.find((r) => r.id === getId)?.redirectedFrom).toBe(postId);
    expect(list.requests.find((r) => r.id === postId)?.location).toBe('/done?token=[redacted]&step=2');
  });

  it('keeps a Location to another host without linking anything to it', async () => {
    const response = await fetch(`${server.url}/away`, { redirect: 'manual' });
    const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
    expect(detail.location).toBe('https://example.com/done');
  });
});

describe('redirect matching', () => {
  const base = { method: 'GET', status: 200, durationMs: 1, contentType: null, queries: [], queryCount: 0 };

  it.each([
    [303, '/done?a=1', 'h:1', '/done?a=1'],
    [302, 'http://h:1/done', 'h:1', '/done'],
    [302, 'http://other/done', 'h:1', undefined],
    [301, 'next', 'h:1', '/next'],
    [200, '/done', 'h:1', null],
  ])('%i Location %j on host %j → target %j', (status, location, host, target) => {
    const result = redirectLocation(status, location, host);
    if (target === null) expect(result).toBeUndefined();
    else expect(result?.target).toBe(target);
  });

  it('takes the latest redirect to the URL within the window', () => {
    const from = redirectSources([
      { ...base, id: 'late', url: '/form', status: 303, startedAt: 20_000, location: '/done', locationTarget: '/done' },
      { ...base, id: 'r2', url: '/form', status: 303, startedAt: 9_000, location: '/done', locationTarget: '/done' },
      { ...base, id: 'r1', url: '/form', status: 303, startedAt: 8_000, location: '/done', locationTarget: '/done' },
    ]);
    expect(from({ ...base, id: 'x', url: '/done', startedAt: 10_000 })).toBe('r2');
    expect(from({ ...base, id: 'y', url: '/done', startedAt: 25_000 })).toBe('late');
    expect(from({ ...base, id: 'z', url: '/done', startedAt: 40_000 })).toBeUndefined();
    expect(from({ ...base, id: 'w', url: '/other', startedAt: 10_000 })).toBeUndefined();
  });
});

function failingApp(create: typeof express, major: 4 | 5) {
  const app = create();
  app.use(debugToolbar());
  app.get('/throw', function throwingHandler() {
    throw new Error('sync boom');
  });
  app.get('/next', function passingHandler(_req, _res, next) {
    next(new Error('passed boom'));
  });
  app.get('/string', (_req, _res, next) => next('a plain string'));
  app.get('/route', (_req, _res, next) => next('route'));
  app.get('/route', (_req, res) => res.send('second'));
  if (major === 5) {
    app.get('/async', async function asyncHandler() {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('async boom');
    });
  }
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ failed: String(error) });
  });
  return app;
}

describe.each([
  [4, express4 as unknown as typeof express],
  [5, express],
] as const)('request errors on Express %i', (major, create) => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(failingApp(create, major));
  });
  afterAll(() => server?.close());

  const cases: [string, string, string | null][] = [
    ['/throw', 'sync boom', 'throwingHandler'],
    ['/next', 'passed boom', 'passingHandler'],
    ...(major === 5 ? [['/async', 'async boom', 'asyncHandler'] as [string, string, string]] : []),
  ];

  it.each(cases)('%s keeps the message and the user stack', async (path, message, fn) => {
    const { detail, response } = await fetchRecorded(server.url, path);
    expect(response.status).toBe(500);
    expect(detail.error?.message).toBe(message);
    expect(detail.error!.stack.length).toBeGreaterThan(0);
    expect(detail.error!.stack.length).toBeLessThanOrEqual(10);
    expect(detail.error!.stack[0].file).toMatch(/history\.test\.ts$/);
    expect(detail.error!.stack[0].function).toContain(fn);
    expect(detail.error!.stack.every((frame) => !frame.file.includes('node_modules'))).toBe(true);
    const list = (await (await fetch(`${server.url}/__toolbar/api/requests`)).json()) as RequestListResponse;
    expect(list.requests.find((r) => r.id === detail.id)?.error?.message).toBe(message);
  });

  it('keeps a non-Error value as the message, with no stack', async () => {
    const { detail } = await fetchRecorded(server.url, '/string');
    expect(detail.error).toEqual({ message: 'a plain string', stack: [] });
  });

  it('does not take next("route") for an error', async () => {
    const { detail, body } = await fetchRecorded(server.url, '/route');
    expect(body).toBe('second');
    expect(detail.error).toBeUndefined();
  });
});

describe('stack parsing', () => {
  it('reads V8 frame lines', () => {
    expect(parseStack([
      'Error: x',
      '    at load (/app/users.js:3:9)',
      '    at async Promise.all (index 0)',
      '    at async show (file:///app/a%20b.js:10:2)',
      '    at /app/anon.js:1:1',
      '    at new Model (/app/model.js:5:5)',
      '    at node:internal/process/task_queues:95:5',
    ].join('\n'))).toEqual([
      { file: '/app/users.js', line: 3, column: 9, function: 'load' },
      { file: '/app/a b.js', line: 10, column: 2, function: 'show' },
      { file: '/app/anon.js', line: 1, column: 1, function: null },
      { file: '/app/model.js', line: 5, column: 5, function: 'new Model' },
      { file: 'node:internal/process/task_queues', line: 95, column: 5, function: null },
    ]);
  });

  it('keeps user frames only, never throwing on odd values', () => {
    const hostile = { get message() { throw new Error('no'); } };
    expect(freezeError(hostile).message).toMatch(/could not be read/);
    const error = new Error('m');
    error.stack = 'Error: m\n    at f (/app/node_modules/lib/x.js:1:1)\n    at g (/app/src/y.js:2:2)';
    expect(freezeError(error)).toEqual({ message: 'm', frames: [{ file: '/app/src/y.js', line: 2, column: 2, function: 'g' }] });
  });
});

describe('over budget', () => {
  it('flags summaries over the query budget only', async () => {
    const { toSummary } = await import('../../server/request/request-detail.js');
    const { resolveOptions } = await import('../../server/options.js');
    const base = { method: 'GET', url: '/', status: 200, startedAt: 0, durationMs: 1, contentType: null, queries: [] };
    const settings = resolveOptions({ queryBudget: 4 });
    expect(toSummary({ ...base, id: 'a', queryCount: 5 }, settings).overBudget).toBe(true);
    expect(toSummary({ ...base, id: 'b', queryCount: 4 }, settings)).not.toHaveProperty('overBudget');
  });
});

describe('hotspots', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let dir: string;
  let db: Database.Database;

  function loadAuthor(id: number) {
    return db.prepare('SELECT id, name FROM authors WHERE id = ?').get(id);
  }
  function countPosts() {
    return db.prepare('SELECT count(*) AS n FROM posts').get();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-hotspots-'));
    db = new Database(join(dir, 'app.db'));
    db.exec(`CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
      CREATE TABLE posts (id integer PRIMARY KEY, author_id int, title text);
      INSERT INTO authors (name) VALUES ('a1'), ('a2'), ('a3');
      INSERT INTO posts (author_id, title) VALUES (2, 'p1'), (3, 'p2'), (1, 'p3'), (2, 'p4');`);
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    app.get('/posts', (_req, res) => {
      const posts = db.prepare('SELECT id, author_id FROM posts ORDER BY id').all() as { author_id: number }[];
      res.json(posts.map((post) => loadAuthor(post.author_id)));
    });
    app.get('/count', (_req, res) => res.json(countPosts()));
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks the user lines that issue queries across the history', async () => {
    const first = await fetchRecorded(server.url, '/posts');
    await fetchRecorded(server.url, '/posts');
    await fetchRecorded(server.url, '/count');
    const group = first.detail.panels.sql!.nPlusOne[0];
    expect(group?.callSite).toBeTruthy();

    const response = await fetch(`${server.url}/__toolbar/api/sql/hotspots`);
    expect(response.status).toBe(200);
    const { hotspots } = (await response.json()) as HotspotsResponse;
    expect(hotspots.length).toBe(3);
    // Ranked by time, which load can reorder: find the loop's line rather than assume it comes first.
    const loop = hotspots.find((h) => h.file === group.callSite!.file && h.line === group.callSite!.line);
    expect(loop).toMatchObject({ queryCount: 8, requestCount: 2, nPlusOneCount: 2 });
    const count = hotspots.find((h) => h.function === 'countPosts');
    expect(count).toMatchObject({ queryCount: 1, requestCount: 1, nPlusOneCount: 0 });
    expect(count!.file).toMatch(/history\.test\.ts$/);
    expect(hotspots.reduce((sum, h) => sum + h.queryCount, 0)).toBe(11);
    for (let i = 1; i < hotspots.length; i++) expect(hotspots[i - 1].totalMs).toBeGreaterThanOrEqual(hotspots[i].totalMs);

    const limited = (await (await fetch(`${server.url}/__toolbar/api/sql/hotspots?limit=1`)).json()) as HotspotsResponse;
    expect(limited.hotspots).toEqual([hotspots[0]]);
  });

  it.each(['0', '51', 'abc', '1.5', ''])('answers ?limit=%j with a 400 JSON error', async (limit) => {
    const response = await fetch(`${server.url}/__toolbar/api/sql/hotspots?limit=${limit}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/`limit` must be an integer/);
  });
});

describe('the list says how many requests the store keeps (issue 12: History showed more than that)', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function listOf(options: Parameters<typeof debugToolbar>[0], hits: number): Promise<RequestListResponse> {
    const app = express();
    app.use(debugToolbar(options));
    app.get('/item/:n', (req, res) => res.json({ n: req.params.n }));
    const server = await listen(app);
    cleanups.push(server.close);
    for (let i = 0; i < hits; i++) await fetchRecorded(server.url, `/item/${i}`);
    return (await (await fetch(`${server.url}/__toolbar/api/requests`)).json()) as RequestListResponse;
  }

  it('sends `capacity` with the list: the option, or the store\'s own', async () => {
    const list = await listOf({ capacity: 3 }, 5);
    expect(list.capacity).toBe(3);
    expect(list.requests.map((r) => r.url)).toEqual(['/item/4', '/item/3', '/item/2']);
    expect((await listOf({ store: memoryStore({ capacity: 7 }) }, 1)).capacity).toBe(7);
  });

  it('gives the background stream\'s own ring for ?kind=background', async () => {
    const app = express();
    app.use(debugToolbar({ capacity: 3 }));
    const server = await listen(app);
    cleanups.push(server.close);
    const list = (await (await fetch(`${server.url}/__toolbar/api/requests?kind=background`)).json()) as RequestListResponse;
    expect(list.capacity).toBe(BACKGROUND_CAPACITY);
  });

  it('leaves it out for a custom store that does not say', async () => {
    const kept: Parameters<Store['add']>[0][] = [];
    const store: Store = { add: (r) => void kept.unshift(r), get: (id) => kept.find((r) => r.id === id), list: () => kept };
    const list = await listOf({ store }, 2);
    expect(list.requests).toHaveLength(2);
    expect('capacity' in list).toBe(false);
  });
});
