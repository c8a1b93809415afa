import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import mysql from 'mysql2';
import knexFactory, { type Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { debugToolbar } from '../../../../server/index.js';
import type { QueryRecord } from '../../../../server/types.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';

/*
 * Streamed queries on real MariaDB: mysql2's `query(sql, params).stream()`, its emitter form
 * (`.on('result')`), and knex's `.stream()`, whose query starts after knex's own awaits. Each
 * keeps its params, the rows read, a duration that ends when the stream ends or the consumer
 * destroys it, and the user's line.
 */

const THIS_FILE = fileURLToPath(import.meta.url);
const available = await mysqlAvailable();
const ROWS = 60;

function withConnection<T>(pool: mysql.Pool, run: (conn: mysql.PoolConnection) => Promise<T>): Promise<T> {
  return new Promise<mysql.PoolConnection>((resolve, reject) => pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn))))
    .then(async (conn) => {
      try {
        return await run(conn);
      } finally {
        conn.release();
      }
    });
}

describe.skipIf(!available)('streamed queries with mysql2', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: mysql.Pool;
  let knex: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = mysql.createPool({ ...db.connection, connectionLimit: 3 });
    const setup = pool.promise();
    await setup.query('CREATE TABLE posts (id int AUTO_INCREMENT PRIMARY KEY, author_id int, title varchar(100))');
    const values = Array.from({ length: ROWS * 3 }, (_, i) => [i % 3, `post ${i}`]);
    await setup.query('INSERT INTO posts (author_id, title) VALUES ?', [values]);
    knex = knexFactory({ client: 'mysql2', connection: db.connection, pool: { min: 0, max: 2 } });
    await knex.raw('SELECT 1');

    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql } }));
    app.get('/stream', async (_req, res) => {
      const count = await withConnection(pool, async (conn) => {
        let rows = 0;
        const stream = conn.query('SELECT id, title FROM posts WHERE author_id = ? ORDER BY id', [2]).stream() as Readable;
        for await (const _row of stream) rows += 1;
        return rows;
      });
      res.json({ count });
    });
    app.get('/on-result', async (_req, res) => {
      const count = await withConnection(pool, (conn) => new Promise<number>((resolve, reject) => {
        let rows = 0;
        conn.query('SELECT id FROM posts WHERE author_id = ? AND id > ?', [2, 0])
          .on('result', () => { rows += 1; })
          .on('error', reject)
          .on('end', () => resolve(rows));
      }));
      res.json({ count });
    });
    app.get('/destroyed', async (_req, res) => {
      const first = await withConnection(pool, async (conn) => {
        const stream = conn.query('SELECT id FROM posts WHERE author_id = ? ORDER BY id', [2]).stream() as Readable;
        for await (const row of stream) return row; // destroys the stream
        return null;
      });
      res.json({ first });
    });
    app.get('/broken-stream', async (_req, res) => {
      const message = await withConnection(pool, async (conn) => {
        try {
          for await (const _row of conn.query('SELECT nope FROM posts WHERE author_id = ?', [2]).stream() as Readable) return null;
        } catch (error) {
          return (error as Error).message;
        }
        return null;
      });
      res.json({ message });
    });
    app.get('/knex-stream', async (_req, res) => {
      let count = 0;
      const stream = knex('posts').select('id').where('author_id', 2).stream();
      for await (const _row of stream) count += 1;
      res.json({ count });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await knex?.destroy();
    await new Promise((resolve) => pool?.end(resolve));
    await db?.drop();
  });

  const streamed = (queries: QueryRecord[]) => queries.find((q) => q.sql.includes('author_id'))!;

  it('records query(sql, params).stream() with its params, every row and the user line', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/stream');
    expect(JSON.parse(body)).toEqual({ count: ROWS });
    const query = streamed(detail.panels.sql!.queries);
    expect(query.params).toEqual([2]);
    expect(query.rowCount).toBe(ROWS);
    expect(query.stream).toEqual({});
    expect(query.durationMs).toEqual(expect.any(Number));
    expect(query.callSite?.file).toBe(THIS_FILE);
  });

  it("records the emitter form (on('result')) with every row", async () => {
    const { body, detail } = await fetchRecorded(server.url, '/on-result');
    expect(JSON.parse(body)).toEqual({ count: ROWS });
    const query = streamed(detail.panels.sql!.queries);
    expect(query.params).toEqual([2, 0]);
    expect(query.rowCount).toBe(ROWS);
    expect(query.durationMs).toEqual(expect.any(Number));
  });

  it('ends a stream the consumer destroys early, and marks it', async () => {
    const { detail } = await fetchRecorded(server.url, '/destroyed');
    const query = streamed(detail.panels.sql!.queries);
    expect(query.stream).toEqual({ closedEarly: true });
    // Rows read until the break: mysql2 pauses the socket once the stream's buffer (16 rows) is full.
    expect(query.rowCount).toBeGreaterThanOrEqual(1);
    expect(query.rowCount).toBeLessThan(ROWS);
    expect(query.error).toBeUndefined();
    expect(query.durationMs).toEqual(expect.any(Number));
  });

  it('records a failed stream as failed, not closed early', async () => {
    const { detail } = await fetchRecorded(server.url, '/broken-stream');
    const query = streamed(detail.panels.sql!.queries);
    expect(query.error).toMatch(/Unknown column 'nope'/);
    expect(query.stream).toEqual({});
    expect(query.durationMs).toEqual(expect.any(Number));
  });

  it("gives knex's .stream() the user's line and its bindings", async () => {
    const { body, detail } = await fetchRecorded(server.url, '/knex-stream');
    expect(JSON.parse(body)).toEqual({ count: ROWS });
    const query = streamed(detail.panels.sql!.queries);
    expect(query.sql).toBe('select `id` from `posts` where `author_id` = ?');
    expect(query.params).toEqual([2]);
    expect(query.rowCount).toBe(ROWS);
    expect(query.stream).toEqual({});
    expect(query.callSite).toMatchObject({ file: THIS_FILE });
  });

  it('explains a recorded stream query with its stored params', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/stream');
    const { status, body } = await postExplain(server.url, { requestId: id, queryId: streamed(detail.panels.sql!.queries).id });
    expect(status).toBe(200);
    expect(body.dialect).toBe('mysql');
    expect(JSON.stringify(body.plan)).toContain('posts.author_id = 2');
  });
});
