import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget, type ExplainTarget, type RunStatement } from '../../../../server/panels/sql/explain/targets.js';
import { runWhatIf, WhatIfRefused } from '../../../../server/panels/sql/explain/what-if.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { breakAfterCreateIndex as breakWhatIf, postWhatIf } from '../../../support/explain.js';

/*
 * The what-if on a real PostgreSQL: an index suggestion built inside a transaction that is rolled
 * back, on the toolbar's own connection. After every call, whatever happened, the catalog is read
 * on a connection of the test's own: the indexes are the ones the table had before.
 */

const available = await postgresAvailable();

describe.skipIf(!available)('POST /api/sql/what-if with pg', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  let target: ExplainTarget;
  const routes: Record<string, [string, unknown[]]> = {
    '/by-author': ['SELECT id, title FROM posts WHERE author_id = $1', [3]],
    '/by-status': ['SELECT id FROM posts WHERE status = $1 AND author_id = $2', ['draft', 7]],
    // The planner would rather sort the whole table than read 11,000 rows in random order through an index.
    '/most': ['SELECT id FROM posts ORDER BY random_at LIMIT 11000', []],
    '/by-id': ['SELECT title FROM posts WHERE id = $1', [5]],
    '/two-statements': ['SELECT 1; CREATE INDEX evil ON posts (title)', []],
  };
  const recorded: Record<string, { requestId: string; queryId: number }> = {};

  /** The table's indexes and any index the what-if may have left behind, read on the test's own connection. */
  async function catalog() {
    const { rows } = await pool.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'i' AND (n.nspname = $1 OR c.relname LIKE 'edt_whatif%') ORDER BY 1`, [schema.schema]);
    return rows.map((row) => row.relname);
  }

  beforeAll(async () => {
    schema = await createTestSchema('edt_whatif');
    pool = new pg.Pool({ ...schema.connection, max: 3 });
    await pool.query('CREATE TABLE posts (id serial PRIMARY KEY, author_id int, status varchar(20), title text, random_at int)');
    await pool.query(`INSERT INTO posts (author_id, status, title, random_at)
      SELECT i % 100, CASE WHEN i % 3 = 0 THEN 'draft' ELSE 'live' END, 'post ' || i || repeat('x', 400), (i * 7919) % 12007
      FROM generate_series(1, 12000) i`);
    await pool.query('ANALYZE posts');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    for (const [path, [sql, params]] of Object.entries(routes)) {
      app.get(path, async (_req, res) => {
        await pool.query(sql, params).catch(() => undefined);
        res.json({});
      });
    }
    server = await listen(app);
    for (const path of Object.keys(routes)) {
      const { id, detail } = await fetchRecorded(server.url, path);
      recorded[path] = { requestId: id, queryId: detail.panels.sql!.queries[0].id };
      target = explainTarget(detail.panels.sql!.queries[0].db.explainKey) as ExplainTarget;
    }
  });

  afterEach(() => vi.restoreAllMocks());

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('proves an index: the planner uses it, the cost falls, and the catalog is as before', async () => {
    const before = await catalog();
    const { status, body } = await postWhatIf(server.url, recorded['/by-author']);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      index: { table: 'posts', schema: schema.schema, columns: ['author_id'], code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);' },
      used: true, rolledBack: true,
    });
    expect(body.before.plan[0]).toMatchObject({ label: 'Seq Scan on posts' });
    // The plan names the index as the suggestion does, not by the name it had for the transaction.
    expect(JSON.stringify(body.after.plan)).toMatch(/posts_author_id_idx/);
    expect(JSON.stringify(body.after.plan)).not.toMatch(/edt_whatif/);
    expect(body.after.totalCost).toBeLessThan(body.before.totalCost);
    expect(await catalog()).toEqual(before);
  });

  it('builds a two-column index with its columns from the catalog, most selective first', async () => {
    const before = await catalog();
    const { status, body } = await postWhatIf(server.url, recorded['/by-status']);
    expect(status).toBe(200);
    expect(body.indexes).toEqual([expect.objectContaining({ columns: ['author_id', 'status'], used: true })]);
    expect(await catalog()).toEqual(before);
  });

  it('refutes an index the planner will not use, and says so', async () => {
    const before = await catalog();
    const { status, body } = await postWhatIf(server.url, recorded['/most']);
    expect(status).toBe(200);
    expect(body).toMatchObject({ index: { columns: ['random_at'] }, used: false });
    expect(body.after.plan[0].children[0].operation).toBe('Sort');
    expect(await catalog()).toEqual(before);
  });

  it('answers 422 when the plan calls for no index', async () => {
    const { status, body } = await postWhatIf(server.url, recorded['/by-id']);
    expect(status).toBe(422);
    expect(body.error).toMatch(/the plan calls for no index/);
  });

  it('refuses a recorded multi-statement query before anything runs (400), and builds nothing', async () => {
    const spy = vi.spyOn(target, 'withConnection');
    const before = await catalog();
    const { status, body } = await postWhatIf(server.url, recorded['/two-statements']);
    expect(status).toBe(400);
    expect(body.error).toMatch(/more than one statement/);
    expect(spy).not.toHaveBeenCalled();
    expect(await catalog()).toEqual(before);
  });

  const breakAfterCreateIndex = (after: (run: RunStatement) => Promise<unknown>) => breakWhatIf(target, after);

  it('rolls back when the EXPLAIN with the index fails: 502, and no index in the catalog', async () => {
    const before = await catalog();
    breakAfterCreateIndex(async (run) => {
      await run('SELECT 1/0');
    });
    const { status, body } = await postWhatIf(server.url, recorded['/by-author']);
    expect(status).toBe(502);
    expect(body.error).toMatch(/division by zero; it was rolled back, and the catalog read again afterwards holds none of its indexes/);
    expect(await catalog()).toEqual(before);
  });

  it('leaves nothing when its connection drops mid-transaction, and the app keeps serving', async () => {
    const before = await catalog();
    breakAfterCreateIndex(async (run) => {
      const pid = Object.values((await run('SELECT pg_backend_pid() AS pid'))[0])[0];
      // Another session ends the toolbar's while it sits in its transaction, the index built.
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const { status, body } = await postWhatIf(server.url, recorded['/by-author']);
    expect(status).toBe(502);
    expect(body.error).toMatch(/terminat|Connection/i);
    expect(body.error).toMatch(/catalog read again afterwards holds none of its indexes/);
    expect(await catalog()).toEqual(before);
    expect((await fetch(`${server.url}/by-id`)).status).toBe(200);
  });

  it('refuses a table above the size it states, before building anything', async () => {
    const before = await catalog();
    const { detail } = await fetchRecorded(server.url, '/by-author');
    await expect(runWhatIf(target, detail.panels.sql!.queries[0], { maxTableBytes: 100_000 })).rejects.toThrow(WhatIfRefused);
    await expect(runWhatIf(target, detail.panels.sql!.queries[0], { maxTableBytes: 100_000 })).rejects.toThrow(/posts takes \d+ MB; the toolbar tries indexes only on tables up to 0 MB/);
    expect(await catalog()).toEqual(before);
  });

  describe('the rules of /api/sql/explain: ids only, the header, same origin, JSON, 16 KB', () => {
    const valid = () => recorded['/by-author'];
    it.each([
      ['an sql key', () => ({ ...valid(), sql: 'CREATE INDEX x ON posts (title)' }), {}, 400, /unexpected "sql"/],
      ['an index key', () => ({ ...valid(), index: { table: 'posts', columns: ['title'] } }), {}, 400, /unexpected "index"/],
      ['an analyze key', () => ({ ...valid(), analyze: true }), {}, 400, /unexpected "analyze"/],
      ['a string queryId', () => ({ ...valid(), queryId: '1' }), {}, 400, /queryId must be a positive integer/],
      ['invalid JSON', () => null, { raw: '{"requestId": ' }, 400, /not valid JSON/],
      ['a text/plain body', valid, { headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
      ['no X-Debug-Toolbar header', valid, { headers: { 'x-debug-toolbar': '' } }, 403, /X-Debug-Toolbar: 1/],
      ['a cross-origin Origin', valid, { headers: { origin: 'http://evil.example' } }, 403, /cross-origin/],
      ['Sec-Fetch-Site: cross-site', valid, { headers: { 'sec-fetch-site': 'cross-site' } }, 403, /cross-site/],
      ['a body over 16 KB', () => ({ ...valid(), padding: 'x'.repeat(20_000) }), {}, 413, /over 16384 bytes/],
      ['an unknown requestId', () => ({ ...valid(), requestId: 'nope' }), {}, 404, /no recorded request/],
      ['an unknown queryId', () => ({ ...valid(), queryId: 99 }), {}, 404, /has no stored query 99/],
    ])('%s', async (_name, body, init, status, message) => {
      const spy = vi.spyOn(target, 'withConnection');
      const before = await catalog();
      const response = await postWhatIf(server.url, body(), init as never);
      expect(response.status).toBe(status);
      expect(response.body.error).toMatch(message);
      expect(spy).not.toHaveBeenCalled();
      expect(await catalog()).toEqual(before);
    });

    it('answers GET with 405 and Allow: POST', async () => {
      const response = await fetch(`${server.url}/__toolbar/api/sql/what-if`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });
});
