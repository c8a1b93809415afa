import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import type { IndexesResponse, MissingIndex } from '../../../../server/types.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';

/*
 * GET /api/sql/indexes after the user acted on it: the index they created is no longer suggested (the
 * plans are read again against today's catalog), and the time the remaining suggestions on that
 * table would save counts only the runs recorded since its indexes changed, not those timed when
 * every query there was a full scan.
 */

const available = await postgresAvailable();

describe.skipIf(!available)('GET /api/sql/indexes counts only the timings that still hold', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;

  const getIndexes = async () => {
    const response = await fetch(`${server.url}/__toolbar/api/sql/indexes`, { headers: { 'x-debug-toolbar': '1' } });
    expect(response.status).toBe(200);
    return (await response.json()) as IndexesResponse;
  };
  const byColumn = (body: IndexesResponse, column: string) => body.indexes.find((index) => index.index.columns[0] === column);

  beforeAll(async () => {
    schema = await createTestSchema('edt_indexes_fresh');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query('CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text)');
    await pool.query("INSERT INTO posts (author_id, title) SELECT i % 100, 'post ' || i FROM generate_series(1, 12000) i");
    await pool.query('ANALYZE posts');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/author/:id', async (req, res) => {
      res.json((await pool.query('SELECT id FROM posts WHERE author_id = $1', [Number(req.params.id)])).rowCount);
    });
    app.get('/title', async (_req, res) => res.json((await pool.query('SELECT id FROM posts WHERE title = $1', ['post 7'])).rowCount));
    server = await listen(app);
    for (const path of ['/author/1', '/author/2', '/title']) await fetchRecorded(server.url, path);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('at first counts every stored run, and says so', async () => {
    const body = await getIndexes();
    expect(body.indexes.map((index) => index.code).sort()).toEqual([
      'CREATE INDEX posts_author_id_idx ON posts (author_id);', 'CREATE INDEX posts_title_idx ON posts (title);',
    ]);
    const author = byColumn(body, 'author_id') as MissingIndex;
    expect(author).toMatchObject({ queryCount: 2, counted: { since: null, leftOut: 0 } });
    expect(author.counted.note).toMatch(/Every stored run counts/);
  });

  it('once the user created one suggested index: it is gone, and the other counts no run timed before', async () => {
    await pool.query('CREATE INDEX posts_title_idx ON posts (title)');
    const body = await getIndexes();
    expect(body.indexes.map((index) => index.code)).toEqual(['CREATE INDEX posts_author_id_idx ON posts (author_id);']);
    const author = byColumn(body, 'author_id') as MissingIndex;
    expect(author).toMatchObject({ queryCount: 0, totalMs: 0, requests: [], counted: { leftOut: 2 } });
    expect(author.counted.since).toEqual(expect.any(Number));
    expect(author.counted.note).toMatch(/posts's indexes or size changed/);
  });

  it('counts the runs recorded since, and names their requests', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/author/3');
    const author = byColumn(await getIndexes(), 'author_id') as MissingIndex;
    expect(author).toMatchObject({ queryCount: 1, requests: [{ id, url: '/author/3' }], counted: { leftOut: 2 } });
    expect(author.totalMs).toBeCloseTo(detail.panels.sql!.queries[0].durationMs ?? 0, 2);
    expect(author.queries).toEqual([expect.objectContaining({ count: 1 })]);
  });
});
