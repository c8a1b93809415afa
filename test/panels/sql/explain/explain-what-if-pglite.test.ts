import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import { PGlite } from '@electric-sql/pglite';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget, type ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { breakAfterCreateIndex, postWhatIf } from '../../../support/explain.js';

/*
 * The what-if on PGlite: its one connection, inside its own transaction (which keeps the app's
 * queries out), CREATE INDEX rolled back. The catalog is read after every call, and the app
 * writes again at once.
 */

describe('POST /api/sql/what-if with PGlite', () => {
  const db = new PGlite();
  let server: Awaited<ReturnType<typeof listen>>;
  let target: ExplainTarget;
  const recorded: Record<string, { requestId: string; queryId: number }> = {};
  const indexes = async () => (await db.query<{ relname: string }>(
    "SELECT relname FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace OR relname LIKE 'edt_whatif%' ORDER BY 1")).rows.map((r) => r.relname);
  const writes = async () => (await db.query('INSERT INTO counters (n) VALUES (1) RETURNING id')).rows.length;

  beforeAll(async () => {
    await db.exec(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text, created_at int);
      INSERT INTO posts (author_id, title, created_at) SELECT i % 100, 'post ' || i, i FROM generate_series(1, 12000) i;
      ANALYZE posts;
      CREATE TABLE counters (id serial PRIMARY KEY, n int);`);
    const app = express();
    app.use(debugToolbar({ instrument: { pglite: db } }));
    app.get('/by-author', async (_req, res) => {
      await db.query('SELECT id, title FROM posts WHERE author_id = $1', [3]);
      res.json({});
    });
    app.get('/latest', async (_req, res) => {
      await db.query('SELECT id, title FROM posts ORDER BY created_at DESC LIMIT 10');
      res.json({});
    });
    server = await listen(app);
    for (const path of ['/by-author', '/latest']) {
      const { id, detail } = await fetchRecorded(server.url, path);
      recorded[path] = { requestId: id, queryId: detail.panels.sql!.queries[0].id };
      target = explainTarget(detail.panels.sql!.queries[0].db.explainKey) as ExplainTarget;
    }
  }, 90_000); // PGlite boots its WASM Postgres here: slow on a busy machine.

  afterEach(() => vi.restoreAllMocks());

  afterAll(async () => {
    await server?.close();
    await db.close();
  });

  it.each([
    ['/by-author', ['author_id'], 'Bitmap Heap Scan|Index Scan'],
    ['/latest', ['created_at'], 'Index Scan Backward'],
  ])('%s: proves the index inside PGlite\'s transaction and leaves the catalog as it was', async (path, columns, used) => {
    const before = await indexes();
    const { status, body } = await postWhatIf(server.url, recorded[path]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ index: { table: 'posts', schema: 'public', columns }, used: true, rolledBack: true });
    expect(body.after.text).toMatch(new RegExp(used));
    expect(body.after.totalCost).toBeLessThan(body.before.totalCost);
    expect(await indexes()).toEqual(before);
    expect(await writes()).toBe(1);
  });

  it('rolls back when the EXPLAIN fails after the CREATE INDEX: 502, no index, and the app writes again', async () => {
    const before = await indexes();
    breakAfterCreateIndex(target, (run) => run('SELECT 1/0'));
    const { status, body } = await postWhatIf(server.url, recorded['/by-author']);
    expect(status).toBe(502);
    expect(body.error).toMatch(/division by zero; it was rolled back, and the catalog read again afterwards holds none of its indexes/);
    expect(await indexes()).toEqual(before);
    expect(await writes()).toBe(1);
  });
});
