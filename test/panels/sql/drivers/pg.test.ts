import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listRequests, listen, waitForRecord } from '../../../support/http.js';
import { sqlCounts } from '../../../support/launcher-badges.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const available = await postgresAvailable();

describe.skipIf(!available).each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('pg on %s', (_name, express) => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let smallPool: pg.Pool;
  let onePool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  let afterResponseDone: () => void = () => undefined;

  async function loadAuthor(id: number) {
    return (await pool.query('SELECT id, name FROM authors WHERE id = $1', [id])).rows[0];
  }

  beforeAll(async () => {
    schema = await createTestSchema('edt_pg');
    pool = new pg.Pool({ ...schema.connection, max: 4 });
    smallPool = new pg.Pool({ ...schema.connection, max: 2 });
    onePool = new pg.Pool({ ...schema.connection, max: 1 });
    await pool.query(`CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL)`);
    await pool.query(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int REFERENCES authors, title text)`);
    await pool.query(`INSERT INTO authors (name) SELECT 'author ' || i FROM generate_series(1, 5) i`);
    await pool.query(`INSERT INTO posts (author_id, title) SELECT 1 + i % 5, 'post ' || i FROM generate_series(1, 6) i`);

    const app = express();
    app.use(debugToolbar({ instrument: { pg }, maxQueriesPerRequest: 20 }));
    app.get('/posts', async (_req, res) => {
      const posts = (await pool.query('SELECT id, author_id, title FROM posts ORDER BY id')).rows;
      for (const post of posts) post.author = await loadAuthor(post.author_id);
      res.send(`<!doctype html><html><body><h1>${posts.length} posts</h1></body></html>`);
    });
    app.get('/shapes', async (_req, res) => {
      const client = await pool.connect();
      try {
        await client.query('SELECT 1 AS a');
        await client.query('SELECT $1::int AS b', [2]);
        await new Promise<void>((resolve, reject) => client.query('SELECT 3 AS c', (err) => (err ? reject(err) : resolve())));
        await new Promise<void>((resolve, reject) =>
          client.query('SELECT $1::int AS d', [4], (err) => (err ? reject(err) : resolve())));
        await client.query({ text: 'SELECT $1::int AS e', values: [5] });
        await client.query({ name: 'prepared-f', text: 'SELECT $1::int AS f', values: [6] });
        await new Promise<void>((resolve, reject) => {
          const submittable = client.query(new pg.Query('SELECT 7 AS g'));
          submittable.on('end', () => resolve());
          submittable.on('error', reject);
        });
        await client.query('SELECT nope FROM nowhere').catch(() => undefined);
      } finally {
        client.release();
      }
      res.json({ ok: true });
    });
    app.get('/callback-pool', (_req, res) => {
      pool.query('SELECT $1::int AS x', [1], (error, first) => {
        if (error) return res.status(500).end();
        // A query from inside a pool.query callback belongs to the same request.
        pool.query('SELECT $1::int AS y', [first.rows[0].x + 1], () => res.json({ ok: true }));
      });
    });
    app.get('/concurrent/:n', async (req, res) => {
      const n = Number(req.params.n);
      await smallPool.query('SELECT $1::int AS n, pg_sleep(0.002)', [n]);
      await new Promise<void>((resolve) => smallPool.query('SELECT $1::int AS n', [n], () => resolve()));
      const client = await smallPool.connect();
      try {
        await client.query('SELECT $1::int AS n', [n]);
      } finally {
        client.release();
      }
      res.json({ n });
    });
    app.get('/duplicates', async (_req, res) => {
      await pool.query('SELECT name FROM authors WHERE id = $1', [1]);
      await pool.query('SELECT name FROM authors WHERE id = $1', [1]);
      await pool.query('SELECT name FROM authors WHERE id = $1', [2]);
      res.json({});
    });
    app.get('/leaves-work-behind', async (_req, res) => {
      await pool.query('SELECT 1 AS during');
      res.json({});
      setTimeout(() => void pool.query('SELECT 2 AS after_response').then(() => afterResponseDone()), 5);
    });
    app.get('/hold-the-only-client', async (_req, res) => {
      const client = await onePool.connect();
      await client.query('SELECT 1 AS held');
      await new Promise((resolve) => setTimeout(resolve, 100));
      client.release();
      res.json({});
    });
    app.get('/many', async (_req, res) => {
      for (let i = 0; i < 25; i++) await pool.query('SELECT $1::int', [i]);
      res.json({});
    });
    app.get('/big-param', async (_req, res) => {
      await pool.query('SELECT length($1::text)', ['x'.repeat(10_000)]);
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await smallPool?.end();
    await onePool?.end();
    await schema?.drop();
  });

  it('records 1 + N queries with call sites in the user code and injects the launcher', async () => {
    const { body, id, detail } = await fetchRecorded(server.url, '/posts');
    expect(detail.queryCount).toBe(7);
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual([
      'SELECT id, author_id, title FROM posts ORDER BY id',
      ...Array(6).fill('SELECT id, name FROM authors WHERE id = $1'),
    ]);
    expect(detail.panels.sql!.queries[1].params).toEqual([2]);
    expect(detail.panels.sql!.queries[0].rowCount).toBe(6);
    for (const query of detail.panels.sql!.queries) {
      expect(query.callSite?.file).toBe(THIS_FILE);
      expect(query.durationMs).toBeGreaterThan(0);
      expect(query.db).toEqual({
        dialect: 'postgres', driver: 'pg', database: 'test',
        explainKey: expect.stringMatching(/^pg:postgres@127\.0\.0\.1:5432\/test\?options=-c search_path=edt_pg_/),
      });
    }
    expect(detail.panels.sql!.queries[1].callSite?.function).toBe('loadAuthor');
    expect(new Set(detail.panels.sql!.queries.slice(1).map((q) => q.fingerprint)).size).toBe(1);
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    expect(detail.panels.sql!.nPlusOne[0].count).toBe(6);
    expect(body).toContain(`data-request-id="${id}"`);
    expect(sqlCounts(body).queryCount).toBe(7);
    // The badge is counted while the page is sent, without stack frames: it agrees with the panel.
    expect(sqlCounts(body)).toMatchObject({ nPlusOneCount: detail.nPlusOneCount, duplicateCount: detail.duplicateCount });
    expect(detail.panels.timeline!.spans.filter((span) => span.kind === 'query')).toHaveLength(7);
    expect(detail.panels.timeline!.spans[0]).toMatchObject({ kind: 'request', startMs: 0 });
  });

  it('records every call shape of Client#query, including errors and submittables', async () => {
    const { detail } = await fetchRecorded(server.url, '/shapes');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual([
      'SELECT 1 AS a', 'SELECT $1::int AS b', 'SELECT 3 AS c', 'SELECT $1::int AS d', 'SELECT $1::int AS e',
      'SELECT $1::int AS f', 'SELECT 7 AS g', 'SELECT nope FROM nowhere',
    ]);
    expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([[], [2], [], [4], [5], [6], [], []]);
    expect(detail.panels.sql!.queries[6].rowCount).toBe(1);
    expect(detail.panels.sql!.queries[7].error).toMatch(/nowhere/);
    expect(detail.panels.sql!.queries.slice(0, 7).every((q) => q.error === undefined && q.durationMs !== null)).toBe(true);
  });

  it('keeps queries issued from pool.query callbacks in their request', async () => {
    const { detail } = await fetchRecorded(server.url, '/callback-pool');
    expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([[1], [2]]);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('files each of 50 concurrent requests, on an exhausted pool, under its own record', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, n) => fetch(`${server.url}/concurrent/${n}`)),
    );
    const ids = responses.map((r) => r.headers.get('x-debug-toolbar-id'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const [n, id] of ids.entries()) {
      const detail = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).json();
      expect(detail.panels.sql.queries.map((q: { params: unknown[] }) => q.params)).toEqual([[n], [n], [n]]);
    }
  });

  it('does not file a background query waiting for a pooled client under the request that frees it', async () => {
    const page = fetch(`${server.url}/hold-the-only-client`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const background = new Promise<void>((resolve, reject) =>
      onePool.query('SELECT 42 AS background_job', (error) => (error ? reject(error) : resolve())));
    const response = await page;
    await background;
    const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS held']);
  });

  it('does not attach queries run outside a request', async () => {
    await pool.query('SELECT 42 AS outside');
    const { detail } = await fetchRecorded(server.url, '/duplicates');
    expect(detail.panels.sql!.queries.some((q) => q.sql.includes('outside'))).toBe(false);
    expect(detail.queryCount).toBe(3);
  });

  it('does not attach queries a request leaves behind after its response', async () => {
    const done = new Promise<void>((resolve) => { afterResponseDone = resolve; });
    const { id } = await fetchRecorded(server.url, '/leaves-work-behind');
    await done;
    const detail = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).json();
    expect(detail.panels.sql.queries.map((q: { sql: string }) => q.sql)).toEqual(['SELECT 1 AS during']);
    expect(detail.queryCount).toBe(1);
  });

  it('groups the same SQL with the same params as duplicates', async () => {
    const { detail } = await fetchRecorded(server.url, '/duplicates');
    expect(detail.panels.sql!.duplicates).toEqual([
      { fingerprint: detail.panels.sql!.queries[0].fingerprint, sql: 'SELECT name FROM authors WHERE id = $1', queryIds: [1, 2], count: 2 },
    ]);
    expect(detail.duplicateCount).toBe(1);
  });

  it('stores queries up to maxQueriesPerRequest and counts the rest', async () => {
    const { detail } = await fetchRecorded(server.url, '/many');
    expect(detail.queryCount).toBe(25);
    expect(detail.panels.sql!.queries).toHaveLength(20);
    expect(detail.panels.sql!.droppedQueryCount).toBe(5);
  });

  it('truncates long params', async () => {
    const { detail } = await fetchRecorded(server.url, '/big-param');
    const param = detail.panels.sql!.queries[0].params[0] as string;
    expect(param.length).toBeLessThan(600);
    expect(param).toMatch(/9500 more characters/);
  });

  it('lists requests newest first and never records its own routes', async () => {
    await fetchRecorded(server.url, '/duplicates');
    const { requests } = await listRequests(server.url);
    expect(requests[0].url).toBe('/duplicates');
    expect(requests.some((r) => r.url.startsWith('/__toolbar'))).toBe(false);
    expect(requests[0]).toEqual({
      id: expect.any(String), method: 'GET', url: '/duplicates', status: 200, startedAt: expect.any(Number),
      durationMs: expect.any(Number), contentType: 'application/json; charset=utf-8', queryCount: 3,
      duplicateCount: 1, nPlusOneCount: 0,
    });
  });
});
