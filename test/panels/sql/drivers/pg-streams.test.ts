import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import Cursor from 'pg-cursor';
import QueryStream from 'pg-query-stream';
import knexFactory, { type Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import type { HotspotsResponse, QueryRecord } from '../../../../server/types.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';

/*
 * Streamed queries on real PostgreSQL: pg-query-stream and pg-cursor passed to client.query, and
 * knex's .stream() (which builds a QueryStream after its own awaits, where the user's frames are
 * gone). Each must keep its params (EXPLAIN runs with them), the rows delivered, the number of
 * fetches (portal executions), a duration that ends when the stream ends or is destroyed, and
 * the user's line.
 */

const THIS_FILE = fileURLToPath(import.meta.url);
const available = await postgresAvailable();
/** Posts by author 3: 100 rows, fetched in batches of 10 (10 suspended portals, then the empty last one). */
const ROWS = 100;

describe.skipIf(!available)('streamed queries with pg', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let knex: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    schema = await createTestSchema('edt_streams');
    pool = new pg.Pool({ ...schema.connection, max: 3 });
    await pool.query('CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text)');
    await pool.query(`INSERT INTO posts (author_id, title) SELECT i % 4, 'post ' || i FROM generate_series(1, ${ROWS * 4}) i`);
    knex = knexFactory({ client: 'pg', connection: schema.connection, pool: { min: 0, max: 2 } });
    await knex.raw('SELECT 1');

    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/query-stream', async (_req, res) => {
      const client = await pool.connect();
      let count = 0;
      try {
        const stream = client.query(new QueryStream('SELECT id, title FROM posts WHERE author_id = $1 ORDER BY id', [3], { batchSize: 10 }));
        for await (const _row of stream) count += 1;
      } finally {
        client.release();
      }
      res.json({ count });
    });
    app.get('/cursor', async (_req, res) => {
      const client = await pool.connect();
      let count = 0;
      try {
        const cursor = client.query(new Cursor('SELECT id FROM posts WHERE author_id = $1 AND id > $2', [3, 0]));
        for (let rows = await cursor.read(40); rows.length > 0; rows = await cursor.read(40)) count += rows.length;
        await cursor.close();
      } finally {
        client.release();
      }
      res.json({ count });
    });
    app.get('/destroyed', async (_req, res) => {
      const client = await pool.connect();
      let first: unknown;
      try {
        const stream = client.query(new QueryStream('SELECT id FROM posts WHERE author_id = $1 ORDER BY id', [3], { batchSize: 10 }));
        for await (const row of stream) {
          first = row;
          break; // destroys the stream: pg-query-stream closes its portal
        }
      } finally {
        client.release();
      }
      res.json({ first });
    });
    app.get('/broken-stream', async (_req, res) => {
      const client = await pool.connect();
      let message: string | null = null;
      try {
        for await (const _row of client.query(new QueryStream('SELECT nope FROM posts WHERE author_id = $1', [3]))) break;
      } catch (error) {
        message = (error as Error).message;
      } finally {
        client.release();
      }
      res.json({ message });
    });
    app.get('/knex-stream', async (_req, res) => {
      let count = 0;
      const stream = knex('posts').select('id').where('author_id', 3).stream({ batchSize: 25 });
      for await (const _row of stream) count += 1;
      res.json({ count });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await knex?.destroy();
    await pool?.end();
    await schema?.drop();
  });

  const streamed = (queries: QueryRecord[]) => queries.find((q) => q.sql.includes('author_id'))!;

  it('records a pg-query-stream with its params, every row, its fetches and the user line', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/query-stream');
    expect(JSON.parse(body)).toEqual({ count: ROWS });
    const query = streamed(detail.panels.sql!.queries);
    expect(query.params).toEqual(['3']);
    expect(query.rowCount).toBe(ROWS);
    expect(query.stream).toEqual({ fetches: 11 });
    expect(query.durationMs).toEqual(expect.any(Number));
    expect(query.callSite?.file).toBe(THIS_FILE);
  });

  it('records a pg-cursor read in batches until empty, then closed', async () => {
    const { detail } = await fetchRecorded(server.url, '/cursor');
    const query = streamed(detail.panels.sql!.queries);
    expect(query.params).toEqual(['3', '0']);
    expect(query.rowCount).toBe(ROWS);
    // 40 + 40 (suspended), 20 (complete): the fourth read finds the cursor done and fetches nothing.
    expect(query.stream).toEqual({ fetches: 3 });
    expect(query.durationMs).toEqual(expect.any(Number));
    expect(query.callSite?.file).toBe(THIS_FILE);
  });

  it('ends a stream the consumer destroys early when it closes the cursor, and marks it', async () => {
    const { detail } = await fetchRecorded(server.url, '/destroyed');
    const query = streamed(detail.panels.sql!.queries);
    expect(query.stream).toEqual({ fetches: 1, closedEarly: true });
    expect(query.rowCount).toBe(10);
    expect(query.durationMs).toEqual(expect.any(Number));
    expect(query.unawaited).toBeUndefined();
  });

  it('records a failed stream as failed, not closed early', async () => {
    const { detail } = await fetchRecorded(server.url, '/broken-stream');
    const query = streamed(detail.panels.sql!.queries);
    expect(query.error).toMatch(/column "nope" does not exist/);
    expect(query.stream).toEqual({ fetches: 0 });
    expect(query.durationMs).toEqual(expect.any(Number));
  });

  it("gives knex's .stream() the user's line and its bindings", async () => {
    const { body, detail } = await fetchRecorded(server.url, '/knex-stream');
    expect(JSON.parse(body)).toEqual({ count: ROWS });
    const query = streamed(detail.panels.sql!.queries);
    expect(query.sql).toBe('select "id" from "posts" where "author_id" = $1');
    expect(query.params).toEqual(['3']);
    expect(query.rowCount).toBe(ROWS);
    expect(query.stream).toEqual({ fetches: 5 });
    expect(query.callSite).toMatchObject({ file: THIS_FILE });
  });

  it('explains a recorded stream query with its stored params', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/query-stream');
    const { status, body } = await postExplain(server.url, { requestId: id, queryId: streamed(detail.panels.sql!.queries).id, analyze: true });
    expect(status).toBe(200);
    expect(body.nodes[0].operation).toBe('Sort');
    expect(body.text).toMatch(/Filter: \(author_id = 3\)/);
    expect(body.nodes[0].actualRows).toBe(ROWS);
  });

  it('ranks the stream call sites in Hotspots', async () => {
    await fetchRecorded(server.url, '/knex-stream');
    const { hotspots } = (await (await fetch(`${server.url}/__toolbar/api/sql/hotspots`)).json()) as HotspotsResponse;
    const mine = hotspots.filter((h) => h.file === THIS_FILE);
    // The QueryStream line, the Cursor line and the knex line (the destroyed stream's line too).
    expect(mine.length).toBeGreaterThanOrEqual(4);
    expect(mine.every((h) => h.totalMs > 0)).toBe(true);
  });
});
