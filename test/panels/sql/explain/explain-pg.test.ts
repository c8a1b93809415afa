import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { EXPLAIN_APPLICATION_NAME } from '../../../../server/panels/sql/explain/pg-target.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';

const available = await postgresAvailable();

describe.skipIf(!available)('POST /api/sql/explain with pg', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;

  const routes: Record<string, [string, unknown[]]> = {
    '/by-author': ['SELECT id, title FROM posts WHERE author_id = $1', [3]],
    '/by-status': ['SELECT id FROM posts WHERE status = $1 AND author_id = $2', ['draft', 7]],
    '/latest': ['SELECT id, title FROM posts ORDER BY created_at DESC LIMIT 10', []],
    '/insert': ['INSERT INTO counters (id, n) VALUES ($1, $2)', [1, 1]],
    '/update': ['UPDATE counters SET n = n + 1 WHERE id = $1', [1]],
    '/two-statements': ['SELECT 1; INSERT INTO counters (id, n) VALUES (2, 1)', []],
    '/broken': ['SELECT nope FROM nowhere', []],
  };
  const recorded: Record<string, { requestId: string; queryId: number }> = {};

  async function counters() {
    return (await pool.query('SELECT id, n FROM counters ORDER BY id')).rows;
  }

  beforeAll(async () => {
    schema = await createTestSchema('edt_explain');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int, status varchar(20), title text, created_at int)`);
    await pool.query(`INSERT INTO posts (author_id, status, title, created_at)
      SELECT i % 100, CASE WHEN i % 3 = 0 THEN 'draft' ELSE 'live' END, 'post ' || i, i FROM generate_series(1, 12000) i`);
    await pool.query('ANALYZE posts');
    await pool.query('CREATE TABLE counters (id int PRIMARY KEY, n int)');

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
    }
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('explains a filtered Seq Scan of a 12,000-row table and suggests the index', async () => {
    const { status, body } = await postExplain(server.url, recorded['/by-author']);
    expect(status).toBe(200);
    expect(body).toMatchObject({ dialect: 'postgres', analyzed: false });
    expect(body.nodes[0]).toMatchObject({
      operation: 'Seq Scan', label: 'Seq Scan on posts', relation: 'posts', index: null, filter: '(author_id = 3)', actualRows: null,
      timeMs: null, details: [{ name: 'Filter', text: '(author_id = 3)' }], children: [],
    });
    expect(body.nodes[0].estimatedRows).toBeGreaterThan(50);
    expect(body.plan[0].Plan['Node Type']).toBe('Seq Scan');
    expect(body.text).toMatch(/^Seq Scan on posts .*\n\s+Filter: \(author_id = 3\)/);
    expect(body.suggestions).toEqual([{
      kind: 'index', title: 'Index posts on author_id', code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);',
      reason: expect.stringMatching(/reads ~12,000 rows/), index: { table: 'posts', schema: schema.schema, columns: ['author_id'] },
    }]);
    expect(body.whatIf).toEqual({ available: true });
  });

  it('puts equality columns of a cast filter into a composite index, the most selective first (pg_stats)', async () => {
    const { body } = await postExplain(server.url, recorded['/by-status']);
    expect(body.nodes[0].filter).toBe("(((status)::text = 'draft'::text) AND (author_id = 7))");
    expect(body.suggestions.map((s: { code: string }) => s.code))
      .toEqual(['CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);']);
    expect(body.suggestions[0].reason).toMatch(/ordered by selectivity from pg_stats: author_id \(~120 rows per value\), status \(~6,000 rows per value\)/);
  });

  it('runs ANALYZE for a SELECT and returns actual rows and times', async () => {
    const { status, body } = await postExplain(server.url, { ...recorded['/by-author'], analyze: true });
    expect(status).toBe(200);
    expect(body.analyzed).toBe(true);
    expect(body.nodes[0]).toMatchObject({ operation: 'Seq Scan', actualRows: 120 });
    expect(body.nodes[0].timeMs).toBeGreaterThan(0);
    expect(body.plan[0]['Execution Time']).toBeGreaterThan(0);
  });

  it('suggests an index on the sort key of a sort under LIMIT', async () => {
    const { body } = await postExplain(server.url, recorded['/latest']);
    expect(body.nodes[0].operation).toBe('Limit');
    expect(body.nodes[0].children[0].operation).toBe('Sort');
    expect(body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_created_at_idx ON posts (created_at);']);
  });

  it('refuses ANALYZE of a recorded INSERT (400) and nothing runs', async () => {
    const target = explainTarget((await fetchRecorded(server.url, '/by-author')).detail.panels.sql!.queries[0].db.explainKey);
    const spy = vi.spyOn(target!, 'withConnection');
    const before = await counters();
    const { status, body } = await postExplain(server.url, { ...recorded['/insert'], analyze: true });
    expect(status).toBe(400);
    expect(body.error).toMatch(/only SELECT is allowed: this is INSERT/);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(await counters()).toEqual(before);
    expect(before).toEqual([{ id: 1, n: 2 }, { id: 2, n: 1 }]); // as the app's own requests left them
  });

  it('plain EXPLAIN of an INSERT or UPDATE describes it without running it', async () => {
    const before = await counters();
    const insert = await postExplain(server.url, recorded['/insert']);
    expect(insert.status).toBe(200);
    expect(insert.body.nodes[0]).toMatchObject({ operation: 'Insert', relation: 'counters' });
    const update = await postExplain(server.url, recorded['/update']);
    expect(update.status).toBe(200);
    expect(update.body.nodes[0].operation).toBe('Update');
    expect(await counters()).toEqual(before);
  });

  it('refuses a recorded multi-statement query, even without ANALYZE', async () => {
    const before = await counters();
    const { status, body } = await postExplain(server.url, recorded['/two-statements']);
    expect(status).toBe(400);
    expect(body.error).toMatch(/more than one statement/);
    expect(await counters()).toEqual(before);
  });

  it('answers a database error with 502 and its message, and closes the explain connection', async () => {
    const { status, body } = await postExplain(server.url, recorded['/broken']);
    expect(status).toBe(502);
    expect(body.error).toMatch(/relation "nowhere" does not exist/);
    const open = async () => Number((await pool.query(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [EXPLAIN_APPLICATION_NAME])).rows[0].n);
    for (let i = 0; i < 50 && (await open()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await open()).toBe(0);
  });

  describe('refuses tampered or cross-site requests before anything runs', () => {
    let spy: ReturnType<typeof vi.spyOn>;
    beforeAll(async () => {
      const key = (await fetchRecorded(server.url, '/by-author')).detail.panels.sql!.queries[0].db.explainKey;
      spy = vi.spyOn(explainTarget(key)!, 'withConnection');
    });
    afterAll(() => spy.mockRestore());

    const valid = () => recorded['/by-author'];
    it.each([
      ['an extra sql key', () => ({ ...valid(), sql: 'DELETE FROM counters' }), {}, 400, /unexpected "sql"/],
      ['an extra params key', () => ({ ...valid(), params: [1] }), {}, 400, /unexpected "params"/],
      ['a string queryId', () => ({ ...valid(), queryId: '1' }), {}, 400, /queryId must be a positive integer/],
      ['a non-boolean analyze', () => ({ ...valid(), analyze: 'yes' }), {}, 400, /analyze must be a boolean/],
      ['an array body', () => [valid()], {}, 400, /must be a JSON object/],
      ['invalid JSON', () => null, { raw: '{"requestId": ' }, 400, /not valid JSON/],
      ['a text/plain body', valid, { headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
      ['a form body', valid, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, /application\/json/],
      ['no X-Debug-Toolbar header', valid, { headers: { 'x-debug-toolbar': '' } }, 403, /X-Debug-Toolbar: 1/],
      ['a cross-origin Origin', valid, { headers: { origin: 'http://evil.example' } }, 403, /cross-origin/],
      ['Origin: null', valid, { headers: { origin: 'null' } }, 403, /cross-origin/],
      ['Sec-Fetch-Site: cross-site', valid, { headers: { 'sec-fetch-site': 'cross-site' } }, 403, /cross-site/],
      ['a body over 16 KB', () => ({ ...valid(), padding: 'x'.repeat(20_000) }), {}, 413, /over 16384 bytes/],
      ['an unknown requestId', () => ({ ...valid(), requestId: 'nope' }), {}, 404, /no recorded request/],
      ['an unknown queryId', () => ({ ...valid(), queryId: 99 }), {}, 404, /has no stored query 99/],
    ])('%s', async (_name, body, init, status, message) => {
      const before = await counters();
      const response = await postExplain(server.url, body(), init as never);
      expect(response.status).toBe(status);
      expect(response.body.error).toMatch(message);
      expect(spy).not.toHaveBeenCalled();
      expect(await counters()).toEqual(before);
    });

    it('accepts its own origin and Sec-Fetch-Site: same-origin', async () => {
      const { status } = await postExplain(server.url, valid(), {
        headers: { origin: server.url, 'sec-fetch-site': 'same-origin' },
      });
      expect(status).toBe(200);
      // The EXPLAIN and the catalog of the tables it read (indexes, statistics), on one connection.
      expect(spy).toHaveBeenCalledTimes(1);
      spy.mockClear();
    });

    it('answers GET with 405 and Allow: POST', async () => {
      const response = await fetch(`${server.url}/__toolbar/api/sql/explain`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });
});
