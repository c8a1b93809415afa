import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { runExplain, TransactionEscaped } from '../../../../server/panels/sql/explain/run.js';
import type { ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';
import { EXPLAIN_APPLICATION_NAME } from '../../../../server/panels/sql/explain/pg-target.js';
import { EXPLAIN_CONCURRENCY, EXPLAIN_QUEUE } from '../../../../server/panels/sql/explain/limiter.js';

const available = await postgresAvailable();

/**
 * Issue 16's reproduction: user input in a SQL comment, ended by a `\r` that PostgreSQL reads as a
 * line end, smuggles a COMMIT and a write after the app's SELECT. The app's own query fails; the
 * EXPLAIN must fail too and change nothing, at every layer on its own.
 */
describe.skipIf(!available)('EXPLAIN cannot be made to write (PostgreSQL)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  const smuggled = "x --\r; COMMIT; DELETE FROM victim WHERE id <= 5; INSERT INTO audit (what) VALUES ('ran')";

  async function state() {
    const victim = (await pool.query('SELECT count(*)::int AS n FROM victim')).rows[0].n;
    const audit = (await pool.query('SELECT count(*)::int AS n FROM audit')).rows[0].n;
    return { victim, audit };
  }

  beforeAll(async () => {
    schema = await createTestSchema('edt_explain_sec');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query('CREATE TABLE items (id int PRIMARY KEY)');
    await pool.query('CREATE TABLE victim (id int PRIMARY KEY)');
    await pool.query('CREATE TABLE audit (what text)');
    await pool.query('INSERT INTO items SELECT generate_series(1, 10)');
    await pool.query('INSERT INTO victim SELECT generate_series(1, 10)');
    await pool.query('CREATE TABLE big AS SELECT generate_series(1, 1200) AS n');

    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/item', async (req, res) => {
      const who = String(req.query.who ?? '');
      // Query tagging as real apps do it: the caller's name in a comment.
      await pool.query({ name: 'q1', text: `SELECT id FROM items WHERE id = 1 -- requested by ${who}` }).catch(() => undefined);
      res.json({});
    });
    app.get('/slow', async (_req, res) => {
      await pool.query('SELECT count(*) FROM big a, big b');
      res.json({});
    });
    app.get('/ping', async (_req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('refuses the smuggled statements, with and without ANALYZE, and no row changes', async () => {
    const { id, detail } = await fetchRecorded(server.url, `/item?who=${encodeURIComponent(smuggled)}`);
    expect(detail.panels.sql!.queries[0].sql).toContain('\r; COMMIT;');
    const before = await state();
    for (const analyze of [false, true, false, true]) {
      const { status, body } = await postExplain(server.url, { requestId: id, queryId: detail.panels.sql!.queries[0].id, analyze });
      expect(status).toBe(400);
      expect(body.error).toMatch(/more than one statement/);
    }
    expect(await state()).toEqual(before);
  });

  it('the database refuses a multi-statement text even when the reader is bypassed (extended protocol)', async () => {
    const { detail } = await fetchRecorded(server.url, `/item?who=${encodeURIComponent(smuggled)}`);
    const target = explainTarget(detail.panels.sql!.queries[0].db.explainKey)!;
    const before = await state();
    for (const prefix of ['EXPLAIN (FORMAT JSON) ', 'EXPLAIN (ANALYZE, FORMAT JSON) ', '']) {
      await expect(target.withConnection(async (run) => {
        await run('BEGIN READ ONLY');
        try {
          return await run(prefix + detail.panels.sql!.queries[0].sql);
        } finally {
          await run('ROLLBACK').catch(() => undefined);
        }
      })).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    }
    expect(await state()).toEqual(before);
  });

  it('notices when the read-only transaction was ended from inside, before rolling back', async () => {
    const { detail } = await fetchRecorded(server.url, '/item?who=me');
    const real = explainTarget(detail.panels.sql!.queries[0].db.explainKey)!;
    // A fault injected after the EXPLAIN: what a smuggled COMMIT would have done.
    const committing: ExplainTarget = {
      dialect: 'postgres',
      withConnection: (work) => real.withConnection((run) => work(async (sql, params) => {
        const rows = await run(sql, params);
        if (sql.startsWith('EXPLAIN (FORMAT JSON) SELECT id')) await run('COMMIT');
        return rows;
      })),
    };
    await expect(runExplain(committing, detail.panels.sql!.queries[0].sql, [], false)).rejects.toBeInstanceOf(TransactionEscaped);
    // Without the fault the same query explains.
    await expect(runExplain(real, detail.panels.sql!.queries[0].sql, [], false)).resolves.toMatchObject({ statement: expect.stringMatching(/^SELECT id FROM items/) });
  });

  it('opens at most two EXPLAIN connections per database, queues a few and answers 429 beyond; the app keeps its own', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/slow');
    const body = { requestId: id, queryId: detail.panels.sql!.queries[0].id, analyze: true };
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // Connections inside an EXPLAIN of this schema's table (other test files explain on the same
        // server at the same time): each holds its lock on `big` until it rolls back.
        const { rows } = await pool.query(`SELECT count(DISTINCT l.pid)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.relation = 'big'::regclass AND a.application_name = $1`, [EXPLAIN_APPLICATION_NAME]);
        most = Math.max(most, rows[0].n);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const total = EXPLAIN_CONCURRENCY + EXPLAIN_QUEUE + 10;
    const answers = Promise.all(Array.from({ length: total }, () => fetch(`${server.url}/__toolbar/api/sql/explain`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1' }, body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() }))));
    // The app's own routes answer while the EXPLAINs run.
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const results = await answers;
    sampling = false;
    await sampler;
    const busy = results.filter((r) => r.status === 429);
    expect(results.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]).toMatchObject({ retryAfter: '1', body: { error: expect.stringMatching(/already running on this database/) } });
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(EXPLAIN_CONCURRENCY);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(EXPLAIN_CONCURRENCY);
  }, 90_000);

  it('sets lock and statement timeouts on its connections', async () => {
    const { detail } = await fetchRecorded(server.url, '/item?who=me');
    const target = explainTarget(detail.panels.sql!.queries[0].db.explainKey)!;
    const settings = await target.withConnection(async (run) => (await run(
      "SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock",
    ))[0]);
    expect(settings).toEqual({ statement: '30s', lock: '5s' });
  });
});
