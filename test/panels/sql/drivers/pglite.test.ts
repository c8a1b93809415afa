import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { PGlite } from '@electric-sql/pglite';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import { fetchRecorded, listen } from '../../../support/http.js';

const THIS_FILE = fileURLToPath(import.meta.url);

describe('PGlite', () => {
  const db = new PGlite();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    await db.exec(`CREATE TABLE authors (id serial PRIMARY KEY, name text);
      INSERT INTO authors (name) SELECT 'author ' || i FROM generate_series(1, 3) i;`);
    const app = express();
    app.use(debugToolbar({ instrument: { pglite: db } }));
    app.get('/all-forms', async (_req, res) => {
      await db.query('SELECT name FROM authors WHERE id = $1', [1]);
      const id = 2;
      await db.sql`SELECT name FROM authors WHERE id = ${id}`;
      await db.exec('SELECT 1; SELECT 2');
      await db.transaction(async (tx) => {
        await tx.query('UPDATE authors SET name = $1 WHERE id = $2', ['renamed', 3]);
        await tx.exec('SELECT 3');
      });
      await db.query('SELECT * FROM missing_table').catch(() => undefined);
      res.json({ ok: true });
    });
    app.get('/concurrent/:n', async (req, res) => {
      const n = Number(req.params.n);
      await db.query('SELECT $1::int AS n', [n]);
      await db.query('SELECT $1::int AS n', [n]);
      res.json({ n });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await db.close();
  });

  it('records query, the sql tag, exec and the queries of a transaction', async () => {
    const { detail } = await fetchRecorded(server.url, '/all-forms');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params])).toEqual([
      ['SELECT name FROM authors WHERE id = $1', [1]],
      ['SELECT name FROM authors WHERE id = $1', [2]],
      ['SELECT 1; SELECT 2', []],
      ['UPDATE authors SET name = $1 WHERE id = $2', ['renamed', 3]],
      ['SELECT 3', []],
      ['SELECT * FROM missing_table', []],
    ]);
    expect(detail.panels.sql!.queries[0].rowCount).toBe(1);
    expect(detail.panels.sql!.queries[3].rowCount).toBe(1);
    expect(detail.panels.sql!.queries[5].error).toMatch(/missing_table/);
    expect(detail.panels.sql!.queries.every((q) => q.db.driver === 'pglite' && q.db.dialect === 'postgres')).toBe(true);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('files concurrent requests under their own records', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, n) => fetch(`${server.url}/concurrent/${n}`)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (const [n, response] of responses.entries()) {
      const id = response.headers.get('x-debug-toolbar-id');
      const detail = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).json();
      expect(detail.panels.sql.queries.map((q: { params: unknown[] }) => q.params)).toEqual([[n], [n]]);
    }
  });

  it('accepts the PGlite class or the module namespace too, patching once', async () => {
    const module = await import('@electric-sql/pglite');
    const query = Object.getPrototypeOf(PGlite.prototype).query;
    debugToolbar({ instrument: { pglite: PGlite } });
    debugToolbar({ instrument: { pglite: module } });
    expect(Object.getPrototypeOf(PGlite.prototype).query).toBe(query);
  });
});
