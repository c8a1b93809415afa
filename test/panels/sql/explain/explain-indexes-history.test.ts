import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import type { IndexesResponse, RequestDetail } from '../../../../server/types.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';

/*
 * GET /api/sql/indexes on a real app and PostgreSQL: every query shape of the stored requests
 * explained once, the needs merged per table into the fewest indexes, ranked by the time of the
 * queries they would serve, each with the requests it came from.
 */

const available = await postgresAvailable();

describe.skipIf(!available)('GET /api/sql/indexes', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  const details: RequestDetail[] = [];

  const getIndexes = async (query = '', headers: Record<string, string> = { 'x-debug-toolbar': '1' }) => {
    const response = await fetch(`${server.url}/__toolbar/api/sql/indexes${query}`, { headers });
    return { status: response.status, body: (await response.json()) as IndexesResponse & { error?: string } };
  };

  beforeAll(async () => {
    schema = await createTestSchema('edt_indexes');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int, status varchar(20), title text, user_id int, uuid uuid)`);
    await pool.query(`INSERT INTO posts (author_id, status, title, user_id, uuid)
      SELECT i % 100, CASE WHEN i % 3 = 0 THEN 'draft' ELSE 'live' END, 'post ' || i, i % 4, md5(i::text)::uuid FROM generate_series(1, 12000) i`);
    await pool.query('CREATE INDEX posts_user_id_idx ON posts (user_id)');
    await pool.query('ANALYZE posts');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/author/:id', async (req, res) => {
      res.json((await pool.query('SELECT id, title FROM posts WHERE author_id = $1', [Number(req.params.id)])).rows.length);
    });
    app.get('/drafts/:id', async (req, res) => {
      res.json((await pool.query('SELECT id FROM posts WHERE status = $1 AND author_id = $2', ['draft', Number(req.params.id)])).rows.length);
    });
    app.get('/post', async (_req, res) => {
      const uuid = 'c4ca4238-a0b9-2382-0dcc-509a6f75849b';
      await pool.query('SELECT id FROM posts WHERE uuid = $1 AND user_id = $2', [uuid, 1]);
      await pool.query('SELECT id FROM posts WHERE user_id = $1 AND uuid = $2', [1, uuid]);
      await pool.query('SELECT title FROM posts WHERE id = $1', [7]);
      res.json({});
    });
    server = await listen(app);
    for (const path of ['/author/1', '/author/2', '/drafts/3', '/post', '/author/4']) details.push((await fetchRecorded(server.url, path)).detail);
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('merges the needs of all stored requests into the fewest indexes, each with its requests and queries', async () => {
    const { status, body } = await getIndexes();
    expect(status).toBe(200);
    expect(body.explained).toBe(5);
    const byCode = Object.fromEntries(body.indexes.map((index) => [index.code, index]));
    expect(Object.keys(byCode).sort()).toEqual([
      'CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);', 'CREATE INDEX posts_uuid_idx ON posts (uuid);',
    ]);
    const author = byCode['CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);'];
    expect(author).toMatchObject({ dialect: 'postgres', index: { table: 'posts', columns: ['author_id', 'status'] }, queryCount: 4 });
    expect(author.queries.map((q) => q.count).sort()).toEqual([1, 3]);
    const ids = (paths: string[]) => details.filter((d) => paths.includes(d.url)).map((d) => d.id).sort();
    expect(author.requests.map((r) => r.id).sort()).toEqual(ids(['/author/1', '/author/2', '/drafts/3', '/author/4']));
    // Newest first.
    expect(author.requests.map((r) => r.url)).toEqual(['/author/4', '/drafts/3', '/author/2', '/author/1']);
    const uuid = byCode['CREATE INDEX posts_uuid_idx ON posts (uuid);'];
    expect(uuid).toMatchObject({ queryCount: 2, requests: [{ id: ids(['/post'])[0], method: 'GET', url: '/post' }] });
    expect(uuid.queries).toHaveLength(2);
  });

  it('ranks by the total time of the stored queries each index would serve', async () => {
    const { body } = await getIndexes();
    const duration = new Map(details.flatMap((d) => d.panels.sql!.queries.map((q) => [`${d.id}:${q.id}`, q.durationMs ?? 0])));
    const totals = body.indexes.map((index) => index.totalMs);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const served = (sql: RegExp) => details.flatMap((d) => d.panels.sql!.queries.filter((q) => sql.test(q.sql)).map((q) => duration.get(`${d.id}:${q.id}`) ?? 0))
      .reduce((sum, ms) => sum + ms, 0);
    const uuid = body.indexes.find((index) => index.index.columns[0] === 'uuid');
    expect(uuid?.totalMs).toBeCloseTo(served(/uuid/), 2);
  });

  it('keeps to one request with ?requestId=', async () => {
    const post = details.find((d) => d.url === '/post') as RequestDetail;
    const { status, body } = await getIndexes(`?requestId=${post.id}`);
    expect(status).toBe(200);
    expect(body.indexes.map((index) => index.code)).toEqual(['CREATE INDEX posts_uuid_idx ON posts (uuid);']);
    expect(body.explained).toBe(3);
  });

  it.each([
    ['no X-Debug-Toolbar header', '', {}, 403, /X-Debug-Toolbar: 1/],
    ['a cross-origin Origin', '', { 'x-debug-toolbar': '1', origin: 'http://evil.example' }, 403, /cross-origin/],
    ['a malformed requestId', '?requestId=../x', { 'x-debug-toolbar': '1' }, 400, /requestId must be a toolbar request id/],
    ['an unknown requestId', '?requestId=nope', { 'x-debug-toolbar': '1' }, 404, /no recorded request/],
    ['another parameter', '?sql=DROP', { 'x-debug-toolbar': '1' }, 400, /only requestId is accepted/],
  ])('refuses %s', async (_name, query, headers, status, message) => {
    const response = await getIndexes(query, headers as Record<string, string>);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatch(message);
  });

  it('answers POST with 405 and Allow: GET', async () => {
    const response = await fetch(`${server.url}/__toolbar/api/sql/indexes`, { method: 'POST', headers: { 'x-debug-toolbar': '1' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
