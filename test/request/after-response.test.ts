import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar, memoryStore, redisStore, type Store } from '../../server/index.js';
import type { RequestDetail } from '../../server/types.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { listen, waitForRecord, waitForSettled as settled } from '../support/http.js';
import { REDIS_URL, redisAvailable, testPrefix } from '../fixtures/cluster/redis.js';

const pgUp = await postgresAvailable();
const redisUp = await redisAvailable();
const GRACE_MS = 1500;

const stores: [string, () => Store, boolean][] = [
  ['memory', () => memoryStore({ capacity: 100 }), true],
  ['Redis', () => redisStore({ url: REDIS_URL, keyPrefix: testPrefix('after') }), redisUp],
];

/**
 * Issue 13: a redirect that sends its 302 and then records the visit. The toolbar used to keep
 * BEGIN and the first UPDATE with `durationMs: null` and, under load, a single query.
 */
describe.skipIf(!pgUp).each([[5, express], [4, express4 as unknown as typeof express]])('work after the response, pg on Express %i', (_v, makeApp) => {
  describe.each(stores)('%s store', (_name, makeStore, storeUp) => {
    let schema: Awaited<ReturnType<typeof createTestSchema>>;
    let pool: pg.Pool;
    let server: Awaited<ReturnType<typeof listen>>;
    let store: Store;

    beforeAll(async () => {
      if (!storeUp) return;
      schema = await createTestSchema('edt_after');
      pool = new pg.Pool({ ...schema.connection, max: 4 });
      await pool.query('CREATE TABLE links (id int PRIMARY KEY, visit_count int NOT NULL DEFAULT 0); INSERT INTO links VALUES (1, 0)');
      await pool.query('CREATE TABLE visits (id serial PRIMARY KEY, link_id int)');
      store = makeStore();
      const app = makeApp();
      app.use(debugToolbar({ instrument: { pg }, store, afterResponseMs: GRACE_MS }));
      app.get('/go', async (_req, res) => {
        await pool.query('SELECT id FROM links WHERE id = $1', [1]);
        res.redirect(302, '/elsewhere');
        await pool.query('UPDATE links SET visit_count = visit_count + 1 WHERE id = $1', [1]);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT id FROM links WHERE id = $1 FOR UPDATE', [1]);
          await client.query('INSERT INTO visits (link_id) VALUES ($1)', [1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      });
      app.get('/floating', (_req, res) => {
        void pool.query('SELECT pg_sleep(0.05) AS slept');
        res.json({ ok: true });
      });
      app.get('/late-timer', (_req, res) => {
        res.json({ ok: true });
        // Outside the grace period: never part of the record.
        setTimeout(() => void pool.query('SELECT 2 AS too_late'), GRACE_MS + 300).unref();
      });
      server = await listen(app);
    });

    afterAll(async () => {
      await server?.close();
      await pool?.end();
      await schema?.drop();
      await (store as { close?: () => Promise<void> } | undefined)?.close?.();
    });

    const expectVisit = (detail: RequestDetail) => {
      expect(detail.queryCount).toBe(1);
      expect(detail.afterResponseCount).toBe(5);
      const late = detail.panels.sql!.queries.filter((q) => q.afterResponse);
      expect(late.map((q) => q.sql)).toEqual([
        'UPDATE links SET visit_count = visit_count + 1 WHERE id = $1', 'BEGIN', 'SELECT id FROM links WHERE id = $1 FOR UPDATE',
        'INSERT INTO visits (link_id) VALUES ($1)', 'COMMIT',
      ]);
      for (const query of late) {
        expect(query.durationMs).not.toBeNull();
        expect(query.callSite?.file).toMatch(/after-response\.test\.ts$/);
      }
      expect(detail.panels.sql!.queries[0].afterResponse).toBeUndefined();
    };

    it.skipIf(!storeUp)('keeps the queries run after a redirect, with durations and call sites, in their own count', async () => {
      const response = await fetch(`${server.url}/go`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const id = response.headers.get('x-debug-toolbar-id')!;
      // Server-Timing is sent with the response: it counts what ran before it.
      expect(response.headers.get('server-timing')).toMatch(/desc="1 query"/);
      expectVisit(await settled(server.url, id, (d) => d.afterResponseCount === 5 && d.panels.sql!.queries.every((q) => q.durationMs !== null)));
    });

    it.skipIf(!storeUp)('stores the same after-response queries for each of 20 concurrent requests', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, async () =>
        (await fetch(`${server.url}/go`, { redirect: 'manual' })).headers.get('x-debug-toolbar-id')!));
      for (const id of ids) {
        expectVisit(await settled(server.url, id, (d) => d.afterResponseCount === 5 && d.panels.sql!.queries.every((q) => q.durationMs !== null)));
      }
    });

    it.skipIf(!storeUp)('flags a query the handler did not await, with its call site and real duration', async () => {
      const response = await fetch(`${server.url}/floating`);
      const id = response.headers.get('x-debug-toolbar-id')!;
      const detail = await settled(server.url, id, (d) => d.panels.sql!.queries[0]?.unawaited === true && d.panels.sql!.queries[0].durationMs !== null);
      expect(detail.panels.sql!.queries).toHaveLength(1);
      expect(detail.panels.sql!.queries[0]).toMatchObject({ sql: 'SELECT pg_sleep(0.05) AS slept', unawaited: true, rowCount: 1 });
      expect(detail.panels.sql!.queries[0].durationMs).toBeGreaterThan(0);
      expect(detail.panels.sql!.queries[0].callSite?.file).toMatch(/after-response\.test\.ts$/);
      expect(detail.queryCount).toBe(1);
    });

    it.skipIf(!storeUp)('does not attach work started after the grace period', async () => {
      const response = await fetch(`${server.url}/late-timer`);
      const id = response.headers.get('x-debug-toolbar-id')!;
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 600));
      const detail = await waitForRecord(server.url, id);
      expect(detail.panels.sql!.queries).toEqual([]);
      expect(detail.afterResponseCount).toBeUndefined();
    });
  });
});

describe('work after the response, sqlite3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edt-after-'));
  let db: sqlite3.Database;
  let server: Awaited<ReturnType<typeof listen>>;
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((done, fail) => db.run(sql, params, (error) => (error ? fail(error) : done())));

  beforeAll(async () => {
    db = new sqlite3.Database(join(dir, 'app.db'));
    await run('CREATE TABLE links (id INTEGER PRIMARY KEY, visit_count INTEGER NOT NULL DEFAULT 0)');
    await run('INSERT INTO links VALUES (1, 0)');
    const app = express();
    app.use(debugToolbar({ instrument: { sqlite3 }, afterResponseMs: GRACE_MS }));
    app.get('/go', (_req, res) => {
      res.redirect(302, '/elsewhere');
      db.run('UPDATE links SET visit_count = visit_count + 1 WHERE id = ?', [1], () => {
        db.get('SELECT visit_count FROM links WHERE id = ?', [1], () => undefined);
      });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((done) => db.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps callback queries after the response', async () => {
    const response = await fetch(`${server.url}/go`, { redirect: 'manual' });
    const id = response.headers.get('x-debug-toolbar-id')!;
    const detail = await settled(server.url, id, (d) => d.afterResponseCount === 2 && d.panels.sql!.queries.every((q) => q.durationMs !== null));
    expect(detail.queryCount).toBe(0);
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.afterResponse])).toEqual([
      ['UPDATE links SET visit_count = visit_count + 1 WHERE id = ?', true],
      ['SELECT visit_count FROM links WHERE id = ?', true],
    ]);
  });
});
