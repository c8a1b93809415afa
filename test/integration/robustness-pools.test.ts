import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import mysql from 'mysql2';
import knexFactory, { type Knex } from 'knex';
import { debugToolbar } from '../../server/index.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../support/mysql.js';
import { listen, waitForRecord } from '../support/http.js';

const pgAvailable = await postgresAvailable();
const myAvailable = await mysqlAvailable();
const CONCURRENT = 20;

/** Fires CONCURRENT requests at once; each record must hold exactly the queries of its own marker. */
async function expectOwnQueries(base: string, path: string, perRequest: (n: number) => unknown[]) {
  const responses = await Promise.all(Array.from({ length: CONCURRENT }, (_, n) => fetch(`${base}${path}/${n}`)));
  for (const [n, response] of responses.entries()) {
    expect(response.status).toBe(200);
    const detail = await waitForRecord(base, response.headers.get('x-debug-toolbar-id')!);
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual(perRequest(n));
    expect(detail.panels.sql!.queries.every((q) => q.durationMs !== null && q.error === undefined)).toBe(true);
  }
}

describe.skipIf(!pgAvailable)('pg on an exhausted pool (max 2), 20 concurrent requests', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let knex: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    schema = await createTestSchema('edt_pools');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query('CREATE TABLE marks (n int)');
    knex = knexFactory({ client: 'pg', connection: schema.connection, pool: { min: 0, max: 2 } });
    // knex asks the server's version on its first connection: outside any request here.
    await knex.raw('SELECT 1');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/callback/:n', (req, res, next) => {
      const n = Number(req.params.n);
      pool.query('SELECT $1::int AS n, pg_sleep(0.002)', [n], (error) => {
        if (error) return next(error);
        pool.connect((error2, client, release) => {
          if (error2 || !client) return next(error2);
          client.query('SELECT $1::int AS n', [n], (error3) => {
            release();
            if (error3) return next(error3);
            res.json({ n });
          });
        });
      });
    });
    app.get('/transaction/:n', async (req, res) => {
      const n = Number(req.params.n);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO marks (n) VALUES ($1)', [n]);
        await client.query('SELECT pg_sleep(0.002)');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      await pool.query('SELECT count(*) FROM marks WHERE n = $1', [n]);
      res.json({ n });
    });
    app.get('/knex/:n', async (req, res) => {
      const n = Number(req.params.n);
      await knex('marks').where({ n }).select('n');
      await knex.transaction(async (trx) => {
        await trx('marks').insert({ n });
      });
      res.json({ n });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await knex?.destroy();
    await pool?.end();
    await schema?.drop();
  });

  it('callback API: pool.query and pool.connect', async () => {
    await expectOwnQueries(server.url, '/callback', (n) => [
      ['SELECT $1::int AS n, pg_sleep(0.002)', [n]], ['SELECT $1::int AS n', [n]],
    ]);
  });

  it('transactions: pool.connect + BEGIN/COMMIT, then pool.query', async () => {
    await expectOwnQueries(server.url, '/transaction', (n) => [
      ['BEGIN', []], ['INSERT INTO marks (n) VALUES ($1)', [n]], ['SELECT pg_sleep(0.002)', []], ['COMMIT', []],
      ['SELECT count(*) FROM marks WHERE n = $1', [n]],
    ]);
  });

  it('knex on pg, with a transaction', async () => {
    await expectOwnQueries(server.url, '/knex', (n) => [
      ['select "n" from "marks" where "n" = $1', [n]], ['BEGIN;', []], ['insert into "marks" ("n") values ($1)', [n]], ['COMMIT;', []],
    ]);
  });
});

describe.skipIf(!myAvailable)('mysql2 on an exhausted pool (connectionLimit 1), 20 concurrent requests', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: mysql.Pool;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    db = await createTestDatabase('edt_pools');
    pool = mysql.createPool({ ...db.connection, connectionLimit: 1 });
    await pool.promise().query('CREATE TABLE marks (n int)');
    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql } }));
    app.get('/callback/:n', (req, res, next) => {
      const n = Number(req.params.n);
      pool.query('SELECT ? AS n, SLEEP(0.002)', [n], (error) => {
        if (error) return next(error);
        pool.getConnection((error2, conn) => {
          if (error2) return next(error2);
          conn.beginTransaction((error3) => {
            if (error3) return next(error3);
            conn.execute('INSERT INTO marks (n) VALUES (?)', [n], (error4) => {
              if (error4) return next(error4);
              conn.commit((error5) => {
                conn.release();
                if (error5) return next(error5);
                res.json({ n });
              });
            });
          });
        });
      });
    });
    app.get('/promise/:n', async (req, res) => {
      const n = Number(req.params.n);
      const promisePool = pool.promise();
      await promisePool.execute('SELECT ? AS n', [n]);
      const conn = await promisePool.getConnection();
      try {
        await conn.beginTransaction();
        await conn.query('INSERT INTO marks (n) VALUES (?)', [n]);
        await conn.commit();
      } finally {
        conn.release();
      }
      res.json({ n });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => (pool ? pool.end(() => resolve()) : resolve()));
    await db?.drop();
  });

  it('callback API with a transaction', async () => {
    await expectOwnQueries(server.url, '/callback', (n) => [
      ['SELECT ? AS n, SLEEP(0.002)', [n]], ['START TRANSACTION', []], ['INSERT INTO marks (n) VALUES (?)', [n]], ['COMMIT', []],
    ]);
  });

  it('promise API with a transaction', async () => {
    await expectOwnQueries(server.url, '/promise', (n) => [
      ['SELECT ? AS n', [n]], ['START TRANSACTION', []], ['INSERT INTO marks (n) VALUES (?)', [n]], ['COMMIT', []],
    ]);
  });
});
