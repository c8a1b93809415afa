import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import pg from 'pg';
import { debugToolbar } from '../../../server/index.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { createTestSchema, postgresAvailable } from '../../support/postgres.js';
import { childrenOf, expectWellNested, spanNamed } from '../../support/timeline.js';
import type { TimelineSpan } from '../../../server/types.js';

/** `db;dur=1.2;desc="2 queries", total;dur=3` → `{ db: { dur: 1.2, desc: '2 queries' }, total: { dur: 3 } }`. */
function parseServerTiming(header: string | null): Record<string, { dur?: number; desc?: string }> {
  expect(header).toBeTruthy();
  const entries: Record<string, { dur?: number; desc?: string }> = {};
  for (const entry of header!.split(',')) {
    const [name, ...params] = entry.trim().split(';');
    expect(name).toMatch(/^[a-z]+$/);
    const parsed: { dur?: number; desc?: string } = {};
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key === 'dur') parsed.dur = Number(value);
      if (key === 'desc') parsed.desc = JSON.parse(value);
    }
    if (parsed.dur !== undefined) expect(Number.isFinite(parsed.dur)).toBe(true);
    entries[name] = parsed;
  }
  return entries;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `child` is `parent`'s child and ends no later than it (both read from one clock). */
function expectEndsWithin(child: TimelineSpan, parent: TimelineSpan): void {
  expect(child.parentId).toBe(parent.id);
  expect(child.startMs).toBeGreaterThanOrEqual(parent.startMs);
  expect(child.startMs + child.durationMs!).toBeLessThanOrEqual(parent.startMs + parent.durationMs! + 0.01);
}
const available = await postgresAvailable();
let schema: Awaited<ReturnType<typeof createTestSchema>>;
let db: pg.Pool;

beforeAll(async () => {
  if (!available) return;
  schema = await createTestSchema('edt_timeline');
  db = new pg.Pool({ ...schema.connection, max: 2 });
  await db.query(`CREATE TABLE items (id serial PRIMARY KEY, name text);
    INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 3) i;`);
});

afterAll(async () => {
  await db?.end();
  await schema?.drop();
});

describe.skipIf(!available).each([
  ['Express 5', express5, 5],
  ['Express 4', express4 as unknown as typeof express5, 4],
])('timeline on %s', (_name, express, major) => {
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.use(function stamp(_req, _res, next) {
      next();
    });
    app.use(async function slowAsync(_req, _res, next) {
      await sleep(5);
      await db.query('SELECT 1 AS in_middleware');
      next();
    });
    const api = express.Router();
    api.use(function apiAuth(_req, _res, next) {
      next();
    });
    const v1 = express.Router();
    v1.get('/items/:id', async function loadItem(req, res) {
      const { rows } = await db.query('SELECT name FROM items WHERE id = $1', [Number(req.params.id)]);
      await sleep(2);
      res.json(rows[0]);
    });
    api.use('/v1', v1);
    app.use('/api', api);
    const admin = express();
    admin.use(function adminAuth(_req, _res, next) {
      next();
    });
    admin.get('/panel', function adminPanel(_req, res) {
      res.send('panel');
    });
    app.use('/admin', admin);
    app.get('/boom', function explode() {
      throw new Error('boom');
    });
    app.get('/next-error', async function passesError(_req, _res, next) {
      await sleep(5);
      await db.query('SELECT 1 AS before_next_error');
      next(new Error('async boom'));
    });
    if (major === 5) {
      app.get('/reject', async function rejects() {
        await sleep(1);
        await db.query('SELECT 1 AS before_reject');
        throw new Error('rejected');
      });
    }
    app.get('/skip', function skipRoute(_req, _res, next) {
      next('route');
    }, function neverRuns(_req: unknown, res: { send: (body: string) => void }) {
      res.send('never');
    });
    app.get('/skip', function secondRoute(_req, res) {
      res.send('second');
    });
    app.get('/anonymous', (_req, res) => {
      res.send('anonymous');
    });
    app.use(function notAnErrorHandler(_req, _res, next) {
      next();
    });
    app.use(function errorHandler(error: Error, _req: unknown, res: any, _next: unknown) {
      res.status(500).json({ error: error.message });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('records each middleware and handler in order, nested under routers and nested routers', async () => {
    const { detail } = await fetchRecorded(server.url, '/api/v1/items/2');
    const timeline = detail.panels.timeline!.spans;
    expectWellNested(timeline);
    const layers = timeline.filter((span) => span.kind === 'middleware' || span.kind === 'handler');
    const names = layers.map((span) => span.name);
    // Express 4's own `query` and `expressInit` run before the toolbar, outside any record.
    expect(names).toEqual(['stamp', 'slowAsync', 'router', 'apiAuth', 'router', 'loadItem']);
    const [outer, inner] = timeline.filter((span) => span.name === 'router');
    expect(outer).toMatchObject({ parentId: 'request', kind: 'middleware', detail: 'mounted at /api' });
    expect(spanNamed(timeline, 'apiAuth').parentId).toBe(outer.id);
    expect(inner).toMatchObject({ parentId: outer.id, detail: 'mounted at /api/v1' });
    const handler = spanNamed(timeline, 'loadItem');
    expect(handler).toMatchObject({ parentId: inner.id, kind: 'handler', detail: 'GET /api/v1/items/:id' });
    expect(handler.durationMs).toBeGreaterThanOrEqual(1.5);
    // slowAsync ends when it calls next(): before the router starts.
    const slow = spanNamed(timeline, 'slowAsync');
    expect(slow.durationMs).toBeGreaterThanOrEqual(2);
    expect(slow.startMs + slow.durationMs).toBeLessThanOrEqual(outer.startMs + 0.5);
  });

  it("nests a mounted app's middleware and handlers under it", async () => {
    const { body, detail } = await fetchRecorded(server.url, '/admin/panel');
    expect(body).toBe('panel');
    const timeline = detail.panels.timeline!.spans;
    expectWellNested(timeline);
    const mounted = spanNamed(timeline, 'mounted_app');
    expect(mounted).toMatchObject({ parentId: 'request', kind: 'middleware', detail: 'mounted at /admin' });
    expect(spanNamed(timeline, 'adminAuth').parentId).toBe(mounted.id);
    expect(spanNamed(timeline, 'adminPanel')).toMatchObject({ parentId: mounted.id, kind: 'handler' });
  });

  it('puts each query under the middleware or handler that ran it', async () => {
    const { detail } = await fetchRecorded(server.url, '/api/v1/items/1');
    const timeline = detail.panels.timeline!.spans;
    expect(childrenOf(timeline, spanNamed(timeline, 'slowAsync').id, ['query']).map((s) => s.name))
      .toEqual(['SELECT 1 AS in_middleware']);
    expect(childrenOf(timeline, spanNamed(timeline, 'loadItem').id, ['query']).map((s) => s.name))
      .toEqual(['SELECT name FROM items WHERE id = $1']);
  });

  it('records milestones: headers sent, response finished', async () => {
    const { detail } = await fetchRecorded(server.url, '/api/v1/items/1');
    const milestones = detail.panels.timeline!.spans.filter((span) => span.kind === 'milestone');
    expect(milestones.map((span) => span.name)).toEqual(['headers sent', 'response finished']);
    expect(milestones.every((span) => span.durationMs === 0 && span.parentId === 'request')).toBe(true);
    const handler = spanNamed(detail.panels.timeline!.spans, 'loadItem');
    expect(milestones[0].startMs).toBeGreaterThanOrEqual(handler.startMs);
  });

  it('records a handler that throws and the error handler that answers', async () => {
    const { response, detail } = await fetchRecorded(server.url, '/boom');
    expect(response.status).toBe(500);
    expect(await response.json().catch(() => null)).toBeNull();
    const timeline = detail.panels.timeline!.spans;
    expectWellNested(timeline);
    expect(spanNamed(timeline, 'explode').kind).toBe('handler');
    expect(spanNamed(timeline, 'errorHandler')).toMatchObject({ kind: 'middleware', detail: 'error handler', parentId: 'request' });
    // Skipped by Express for its arity while an error is pending: no span.
    expect(timeline.some((span) => span.name === 'notAnErrorHandler')).toBe(false);
  });

  it('records an async handler that passes an error to next()', async () => {
    const { response, body, detail } = await fetchRecorded(server.url, '/next-error');
    expect(response.status).toBe(500);
    expect(JSON.parse(body)).toEqual({ error: 'async boom' });
    const handler = spanNamed(detail.panels.timeline!.spans, 'passesError');
    // The handler's span lasts past its awaits: the query it ran after them is its child, and ends
    // within it (an order of events, not a duration a loaded machine can stretch or shrink).
    expectEndsWithin(spanNamed(detail.panels.timeline!.spans, 'SELECT 1 AS before_next_error'), handler);
    const errorHandler = spanNamed(detail.panels.timeline!.spans, 'errorHandler');
    expect(errorHandler.startMs).toBeGreaterThanOrEqual(handler.startMs + handler.durationMs - 0.01);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it.runIf(major === 5)('records an async handler whose promise rejects', async () => {
    const { response, body, detail } = await fetchRecorded(server.url, '/reject');
    expect(response.status).toBe(500);
    expect(JSON.parse(body)).toEqual({ error: 'rejected' });
    expectEndsWithin(spanNamed(detail.panels.timeline!.spans, 'SELECT 1 AS before_reject'), spanNamed(detail.panels.timeline!.spans, 'rejects'));
    spanNamed(detail.panels.timeline!.spans, 'errorHandler');
  });

  it("keeps next('route') working and times only the handlers that ran", async () => {
    const { body, detail } = await fetchRecorded(server.url, '/skip');
    expect(body).toBe('second');
    const names = detail.panels.timeline!.spans.filter((span) => span.kind === 'handler').map((span) => span.name);
    expect(names).toEqual(['skipRoute', 'secondRoute']);
  });

  it('sends Server-Timing: database time and query count, render time, total', async () => {
    const response = await fetch(`${server.url}/api/v1/items/1`);
    await response.text();
    const entries = parseServerTiming(response.headers.get('server-timing'));
    expect(Object.keys(entries)).toEqual(['db', 'render', 'total']);
    expect(entries.db.desc).toBe('2 queries');
    expect(entries.db.dur).toBeGreaterThan(0);
    expect(entries.render.dur).toBe(0);
    expect(entries.total.dur).toBeGreaterThanOrEqual(entries.db.dur!);
  });

  it('sends no Server-Timing with `serverTiming: false`, and keeps the timeline', async () => {
    const app = express();
    app.use(debugToolbar({ serverTiming: false }));
    app.get('/', function home(_req, res) {
      res.send('home');
    });
    const quiet = await listen(app);
    try {
      const { response, detail } = await fetchRecorded(quiet.url, '/');
      expect(response.headers.has('server-timing')).toBe(false);
      expect(spanNamed(detail.panels.timeline!.spans, 'home').kind).toBe('handler');
    } finally {
      await quiet.close();
    }
  });

  it('names an anonymous handler by its file and line', async () => {
    const { detail } = await fetchRecorded(server.url, '/anonymous');
    const handler = detail.panels.timeline!.spans.find((span) => span.kind === 'handler');
    expect(handler?.name).toMatch(/^anonymous \(timeline\.test\.ts:\d+\)$/);
  });
});
