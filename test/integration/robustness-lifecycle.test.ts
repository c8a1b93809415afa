import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import pg from 'pg';
import mysql from 'mysql2';
import http from 'node:http';
import { debugToolbar } from '../../server/index.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../support/mysql.js';
import { fetchRecorded, listRequests, listen, waitForRecord } from '../support/http.js';

const pgAvailable = await postgresAvailable();
const myAvailable = await mysqlAvailable();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function recordOf(base: string, id: string) {
  return waitForRecord(base, id);
}

/** Opens a request and destroys its socket after `ms`, as a browser does when the user navigates away. */
function abortAfter(url: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.get(url);
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    setTimeout(() => request.destroy(), ms);
  });
}

describe.skipIf(!pgAvailable).each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('pg request lifecycle on %s', (_name, express) => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let onePool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  const appErrors: unknown[] = [];
  const processErrors: unknown[] = [];
  const onProcessError = (error: unknown) => processErrors.push(error);
  let stopInterval: () => void = () => undefined;
  let abortedHandlerDone: Promise<void> = Promise.resolve();
  let lateDone: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
    schema = await createTestSchema('edt_life');
    pool = new pg.Pool({ ...schema.connection, max: 4 });
    onePool = new pg.Pool({ ...schema.connection, max: 1 });
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    // Start-up work, before any request.
    await pool.query('SELECT 1 AS startup');
    app.get('/plain/:marker', async (req, res) => {
      await pool.query('SELECT $1::text AS marker', [req.params.marker]);
      res.json({});
    });
    app.get('/opens-connection', async (_req, res) => {
      // The only client of onePool connects here: its socket events carry this request's context.
      await onePool.query('SELECT 1 AS opener');
      await sleep(300);
      res.json({});
    });
    app.get('/submittable-listener', async (_req, res) => {
      const client = await onePool.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          const query = client.query(new pg.Query('SELECT 2 AS submittable'));
          query.on('error', reject);
          query.on('end', () => {
            client.query('SELECT 3 AS from_end_listener').then(() => resolve(), reject);
          });
        });
      } finally {
        client.release();
      }
      res.json({});
    });
    app.get('/still-running', async (_req, res) => {
      const client = await pool.connect();
      const slow = client.query('SELECT pg_sleep(0.3) AS slow');
      res.json({});
      lateDone = slow.then(() => undefined).finally(() => client.release());
      await lateDone;
    });
    app.get('/fire-and-forget', async (_req, res) => {
      await pool.query('SELECT 1 AS during');
      res.json({});
      // After the response: never part of a stored record.
      setTimeout(() => void pool.query('SELECT 2 AS after_response_timer'), 20);
      void res.on('finish', () => void pool.query('SELECT 3 AS after_finish'));
    });
    app.get('/slow', async (_req, res) => {
      let finish: () => void = () => undefined;
      abortedHandlerDone = new Promise((resolve) => { finish = resolve; });
      try {
        await pool.query('SELECT 1 AS before_abort');
        await pool.query('SELECT pg_sleep(0.3) AS during_abort');
        await pool.query('SELECT 2 AS after_abort');
        setTimeout(() => void pool.query('SELECT 3 AS timer_after_abort'), 30);
        res.send('<!doctype html><html><body>late</body></html>');
      } finally {
        finish();
      }
    });
    app.use((error: unknown, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
      appErrors.push(error);
      res.status(500).end();
    });
    server = await listen(app);
    const interval = setInterval(() => void pool.query('SELECT 42 AS from_interval').catch(() => undefined), 5);
    stopInterval = () => clearInterval(interval);
  });

  afterAll(async () => {
    stopInterval();
    await server?.close();
    await pool?.end();
    await onePool?.end();
    await schema?.drop();
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
  });

  it('never attaches start-up or interval queries to a request', async () => {
    const details = await Promise.all(['a', 'b', 'c'].map((m) => fetchRecorded(server.url, `/plain/${m}`)));
    for (const [index, { detail }] of details.entries()) {
      expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual([['SELECT $1::text AS marker', [['a', 'b', 'c'][index]]]]);
      expect(detail.queryCount).toBe(1);
    }
  });

  it("files a query run from a pg Query's 'end' listener under the listener's request, not the one that opened the connection", async () => {
    const opener = fetch(`${server.url}/opens-connection`);
    await sleep(60);
    const listener = await fetch(`${server.url}/submittable-listener`);
    const openerResponse = await opener;
    const listenerDetail = await recordOf(server.url, listener.headers.get('x-debug-toolbar-id')!);
    const openerDetail = await recordOf(server.url, openerResponse.headers.get('x-debug-toolbar-id')!);
    expect(listenerDetail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 2 AS submittable', 'SELECT 3 AS from_end_listener']);
    expect(listenerDetail.panels.sql!.queries[0].rowCount).toBe(1);
    expect(openerDetail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS opener']);
  });

  it('keeps a query still running when the response ends in its request, unfinished, and never in a later one', async () => {
    const { detail, id } = await fetchRecorded(server.url, '/still-running');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT pg_sleep(0.3) AS slow']);
    expect(detail.panels.sql!.queries[0].durationMs).toBeNull();
    expect(detail.panels.sql!.queries[0].error).toBeUndefined();
    const later = await fetchRecorded(server.url, '/plain/later');
    await lateDone;
    const again = await recordOf(server.url, id);
    // Completing after the record was stored throws nothing and moves the query nowhere else.
    expect(again.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT pg_sleep(0.3) AS slow']);
    expect(again.queryCount).toBe(1);
    expect(later.detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT $1::text AS marker']);
    expect(processErrors).toEqual([]);
  });

  it('drops queries a request fires after its response, in this request and in the next ones', async () => {
    const { id } = await fetchRecorded(server.url, '/fire-and-forget');
    await sleep(60);
    const next = await fetchRecorded(server.url, '/plain/next');
    const detail = await recordOf(server.url, id);
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS during']);
    expect(detail.queryCount).toBe(1);
    expect(next.detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT $1::text AS marker']);
  });

  it('stores an aborted request with status 0 and the queries it ran, and keeps serving', async () => {
    await abortAfter(`${server.url}/slow`, 100);
    await abortedHandlerDone;
    await sleep(60);
    const next = await fetchRecorded(server.url, '/plain/after-abort');
    const aborted = (await listRequests(server.url)).requests.find((r) => r.url === '/slow');
    expect(aborted?.status).toBe(0);
    const detail = await recordOf(server.url, aborted!.id);
    // Stored when the socket closed: what ran before is there, what the handler did afterwards is not.
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS before_abort', 'SELECT pg_sleep(0.3) AS during_abort']);
    expect(detail.panels.sql!.queries[0].durationMs).toBeGreaterThan(0);
    expect(detail.queryCount).toBe(2);
    expect(next.response.status).toBe(200);
    expect(next.detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT $1::text AS marker']);
    expect(appErrors).toEqual([]);
    expect(processErrors).toEqual([]);
  });
});

describe.skipIf(!myAvailable)('mysql2 request lifecycle', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let onePool: mysql.Pool;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    db = await createTestDatabase('edt_life');
    onePool = mysql.createPool({ ...db.connection, connectionLimit: 1 });
    const app = express5();
    app.use(debugToolbar({ instrument: { mysql2: mysql } }));
    app.get('/opens-connection', async (_req, res) => {
      await onePool.promise().query('SELECT 1 AS opener');
      await sleep(300);
      res.json({});
    });
    app.get('/emitter-listener', (_req, res, next) => {
      onePool.getConnection((error, conn) => {
        if (error) return next(error);
        conn.query('SELECT 2 AS emitted')
          .on('error', next)
          .on('end', () => {
            conn.query('SELECT 3 AS from_end_listener', (error2) => {
              conn.release();
              if (error2) return next(error2);
              res.json({});
            });
          });
      });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => (onePool ? onePool.end(() => resolve()) : resolve()));
    await db?.drop();
  });

  it("files a query run from an emitter-mode query's 'end' listener under the listener's request", async () => {
    const opener = fetch(`${server.url}/opens-connection`);
    await sleep(60);
    const listener = await fetch(`${server.url}/emitter-listener`);
    const openerResponse = await opener;
    const listenerDetail = await recordOf(server.url, listener.headers.get('x-debug-toolbar-id')!);
    const openerDetail = await recordOf(server.url, openerResponse.headers.get('x-debug-toolbar-id')!);
    expect(listenerDetail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 2 AS emitted', 'SELECT 3 AS from_end_listener']);
    expect(openerDetail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS opener']);
  });
});
