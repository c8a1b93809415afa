import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen, waitForRecord } from '../../../support/http.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const available = await mysqlAvailable();

function callback<T = unknown>(run: (done: (error: unknown, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result as T))));
}

describe.skipIf(!available).each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('mysql2 on %s', (_name, express) => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: mysql.Pool;
  let promisePool: mysqlPromise.Pool;
  let smallPool: mysqlPromise.Pool;
  let cluster: mysql.PoolCluster;
  let server: Awaited<ReturnType<typeof listen>>;

  async function loadAuthor(id: number) {
    const [rows] = await promisePool.execute<mysqlPromise.RowDataPacket[]>('SELECT id, name FROM authors WHERE id = ?', [id]);
    return rows[0];
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = mysql.createPool({ ...db.connection, connectionLimit: 4 });
    promisePool = mysqlPromise.createPool({ ...db.connection, connectionLimit: 4 });
    smallPool = mysqlPromise.createPool({ ...db.connection, connectionLimit: 2 });
    cluster = mysql.createPoolCluster();
    cluster.add('primary', { ...db.connection, connectionLimit: 2 });
    await promisePool.query('CREATE TABLE authors (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL)');
    await promisePool.query('CREATE TABLE posts (id int AUTO_INCREMENT PRIMARY KEY, author_id int, title varchar(100))');
    await promisePool.query("INSERT INTO authors (name) VALUES ('a1'), ('a2'), ('a3'), ('a4'), ('a5')");
    await promisePool.query("INSERT INTO posts (author_id, title) VALUES (2,'p1'), (3,'p2'), (4,'p3'), (5,'p4'), (1,'p5')");

    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql }, maxQueriesPerRequest: 50 }));
    app.get('/posts', async (_req, res) => {
      const [posts] = await promisePool.query<mysqlPromise.RowDataPacket[]>('SELECT id, author_id, title FROM posts ORDER BY id');
      for (const post of posts) post.author = await loadAuthor(post.author_id);
      res.send(`<!doctype html><html><body><h1>${posts.length} posts</h1></body></html>`);
    });
    app.get('/callback-shapes', (_req, res, next) => {
      pool.getConnection(async (error, conn) => {
        if (error) return next(error);
        try {
          await callback((done) => conn.query('SELECT 1 AS a', done));
          await callback((done) => conn.query('SELECT ? AS b', [2], done));
          await callback((done) => conn.query({ sql: 'SELECT ? AS c', values: [3] }, done));
          await callback((done) => conn.execute('SELECT ? AS d', [4], done));
          await callback((done) => conn.query({ sql: 'SELECT ? AS e' }, [5], done));
          await new Promise<void>((resolve, reject) => {
            conn.query('SELECT id FROM authors WHERE id <= ?', [2]).on('error', reject).on('end', () => resolve());
          });
          await callback((done) => conn.query('SELECT nope FROM nowhere', done)).catch(() => undefined);
          await callback((done) => conn.execute('SELECT nope FROM nowhere2', [], done)).catch(() => undefined);
        } finally {
          conn.release();
        }
        res.json({ ok: true });
      });
    });
    app.get('/pool-callbacks', (_req, res, next) => {
      pool.query<mysql.RowDataPacket[]>('SELECT ? AS x', [1], (error, rows) => {
        if (error) return next(error);
        // A query from inside a pool.query callback belongs to the same request.
        pool.execute('SELECT ? AS y', [rows[0].x + 1], (error2) => (error2 ? next(error2) : res.json({ ok: true })));
      });
    });
    app.get('/promise-shapes', async (_req, res) => {
      await promisePool.query('SELECT ? AS a', [1]);
      await promisePool.execute('SELECT ? AS b', [2]);
      const conn = await promisePool.getConnection();
      try {
        await conn.beginTransaction();
        const [inserted] = await conn.execute<mysqlPromise.ResultSetHeader>('INSERT INTO posts (author_id, title) VALUES (?, ?)', [1, 'new']);
        await conn.query('UPDATE posts SET title = ? WHERE author_id = ?', ['x', 99]);
        await conn.query('DELETE FROM posts WHERE id = ?', [inserted.insertId]);
        await conn.commit();
      } finally {
        conn.release();
      }
      const single = await mysqlPromise.createConnection(db.connection);
      await single.query('SELECT 3 AS c');
      await single.end();
      await promisePool.execute('SELECT ? FROM missing_table', [1]).catch(() => undefined);
      res.json({ ok: true });
    });
    app.get('/cluster', async (_req, res) => {
      await callback((done) => cluster.of('*').query('SELECT ? AS a', [1], done));
      await callback((done) => cluster.of('primary').execute('SELECT ? AS b', [2], done));
      const conn = await callback<mysql.PoolConnection>((done) => cluster.getConnection(done));
      await callback((done) => conn.query('SELECT ? AS c', [3], done));
      conn.release();
      res.json({ ok: true });
    });
    app.get('/concurrent/:n', async (req, res) => {
      const n = Number(req.params.n);
      await smallPool.query('SELECT ? AS n, SLEEP(0.002)', [n]);
      await smallPool.execute('SELECT ? AS n', [n]);
      const conn = await smallPool.getConnection();
      try {
        await conn.query('SELECT ? AS n', [n]);
      } finally {
        conn.release();
      }
      await callback((done) => smallPool.pool.query('SELECT ? AS n', [n], done));
      res.json({ n });
    });
    app.get('/prepared', async (_req, res) => {
      const conn = await promisePool.getConnection();
      try {
        const statement = await conn.prepare('SELECT name FROM authors WHERE id = ?');
        await statement.execute([1]);
        await statement.execute([2]);
        await statement.close();
      } finally {
        conn.release();
      }
      res.json({});
    });
    app.get('/plain', async (_req, res) => {
      await promisePool.query('SELECT ? AS inside', [1]);
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await promisePool?.end();
    await smallPool?.end();
    await new Promise((resolve) => (pool ? pool.end(resolve) : resolve(undefined)));
    await new Promise((resolve) => (cluster ? cluster.end(resolve) : resolve(undefined)));
    await db?.drop();
  });

  it('records 1 + N execute() queries with their params, the call site and the N+1', async () => {
    const { detail } = await fetchRecorded(server.url, '/posts');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual([
      'SELECT id, author_id, title FROM posts ORDER BY id',
      ...Array(5).fill('SELECT id, name FROM authors WHERE id = ?'),
    ]);
    expect(detail.panels.sql!.queries.slice(1).map((q) => q.params)).toEqual([[2], [3], [4], [5], [1]]);
    expect(detail.panels.sql!.queries.map((q) => q.rowCount)).toEqual([5, 1, 1, 1, 1, 1]);
    for (const query of detail.panels.sql!.queries) {
      expect(query.callSite?.file).toBe(THIS_FILE);
      expect(query.durationMs).toBeGreaterThan(0);
      expect(query.db).toMatchObject({ dialect: 'mysql', driver: 'mysql2', database: db.database });
    }
    expect(detail.panels.sql!.queries[1].callSite?.function).toBe('loadAuthor');
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    expect(detail.panels.sql!.nPlusOne[0].count).toBe(5);
    expect(detail.panels.sql!.nPlusOne[0].callSite?.file).toBe(THIS_FILE);
  });

  it('records every callback and emitter shape of a connection, with errors', async () => {
    const { detail } = await fetchRecorded(server.url, '/callback-shapes');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual([
      ['SELECT 1 AS a', []],
      ['SELECT ? AS b', [2]],
      ['SELECT ? AS c', [3]],
      ['SELECT ? AS d', [4]],
      ['SELECT ? AS e', [5]],
      ['SELECT id FROM authors WHERE id <= ?', [2]],
      ['SELECT nope FROM nowhere', []],
      ['SELECT nope FROM nowhere2', []],
    ]);
    expect(detail.panels.sql!.queries.map((q) => q.rowCount)).toEqual([1, 1, 1, 1, 1, 2, null, null]);
    expect(detail.panels.sql!.queries[6].error).toMatch(/nowhere/);
    expect(detail.panels.sql!.queries[7].error).toMatch(/nowhere2/);
    expect(detail.panels.sql!.queries.slice(0, 6).every((q) => q.error === undefined && q.durationMs !== null)).toBe(true);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('keeps pool.query/execute callbacks, and the queries they issue, in their request', async () => {
    const { detail } = await fetchRecorded(server.url, '/pool-callbacks');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual([['SELECT ? AS x', [1]], ['SELECT ? AS y', [2]]]);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE && q.durationMs !== null)).toBe(true);
  });

  it('records the promise API: pools, pool connections, transactions, writes and errors', async () => {
    const { detail } = await fetchRecorded(server.url, '/promise-shapes');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT ? AS a', [1], 1],
      ['SELECT ? AS b', [2], 1],
      ['START TRANSACTION', [], 0],
      ['INSERT INTO posts (author_id, title) VALUES (?, ?)', [1, 'new'], 1],
      ['UPDATE posts SET title = ? WHERE author_id = ?', ['x', 99], 0],
      ['DELETE FROM posts WHERE id = ?', [expect.any(Number)], 1],
      ['COMMIT', [], 0],
      ['SELECT 3 AS c', [], 1],
      ['SELECT ? FROM missing_table', [1], null],
    ]);
    expect(detail.panels.sql!.queries[8].error).toMatch(/missing_table/);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('records pool clusters', async () => {
    const { detail } = await fetchRecorded(server.url, '/cluster');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual([
      ['SELECT ? AS a', [1]], ['SELECT ? AS b', [2]], ['SELECT ? AS c', [3]],
    ]);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE && q.rowCount === 1)).toBe(true);
  });

  it('files each of 40 concurrent requests, on an exhausted pool of 2, under its own record', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, n) => fetch(`${server.url}/concurrent/${n}`)));
    for (const [n, response] of responses.entries()) {
      expect(response.status).toBe(200);
      const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
      expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([[n], [n], [n], [n]]);
      expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
    }
  });

  it('records execute() on prepared statements', async () => {
    const { detail } = await fetchRecorded(server.url, '/prepared');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT name FROM authors WHERE id = ?', [1], 1],
      ['SELECT name FROM authors WHERE id = ?', [2], 1],
    ]);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('does not attach queries run outside a request', async () => {
    await promisePool.query('SELECT 42 AS outside');
    await callback((done) => pool.query('SELECT 43 AS outside', done));
    const { detail } = await fetchRecorded(server.url, '/plain');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT ? AS inside']);
  });

  it('registers an explain target that opens its own connection (no password in the key)', async () => {
    const { detail } = await fetchRecorded(server.url, '/plain');
    const key = detail.panels.sql!.queries[0].db.explainKey;
    expect(key).toBe(`mysql2:root@127.0.0.1:3306/${db.database}`);
    const target = explainTarget(key)!;
    expect(target.dialect).toBe('mysql');
    const rows = await target.withConnection((run) => run('SELECT ? AS one', [1]));
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('accepts mysql2/promise too, patching once', () => {
    const query = Object.getPrototypeOf(mysql.Connection.prototype).query;
    debugToolbar({ instrument: { mysql2: mysqlPromise } });
    debugToolbar({ instrument: { mysql2: mysql } });
    expect(Object.getPrototypeOf(mysql.Connection.prototype).query).toBe(query);
    expect(() => debugToolbar({ instrument: { mysql2: {} } })).toThrow(/mysql2/);
  });
});
