import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../server/index.js';
import { explainTarget } from '../server/panels/sql/explain/targets.js';
import { runExplain, TransactionEscaped } from '../server/panels/sql/explain/run.js';
import type { ExplainTarget } from '../server/panels/sql/explain/targets.js';
import { createTestSchema, postgresAvailable } from './support/postgres.js';
import { fetchRecorded, listen } from './support/http.js';
import { postExplain } from './support/explain.js';

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

    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/item', async (req, res) => {
      const who = String(req.query.who ?? '');
      // Query tagging as real apps do it: the caller's name in a comment.
      await pool.query({ name: 'q1', text: `SELECT id FROM items WHERE id = 1 -- requested by ${who}` }).catch(() => undefined);
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('refuses the smuggled statements, with and without ANALYZE, and no row changes', async () => {
    const { id, detail } = await fetchRecorded(server.url, `/item?who=${encodeURIComponent(smuggled)}`);
    expect(detail.queries[0].sql).toContain('\r; COMMIT;');
    const before = await state();
    for (const analyze of [false, true, false, true]) {
      const { status, body } = await postExplain(server.url, { requestId: id, queryId: detail.queries[0].id, analyze });
      expect(status).toBe(400);
      expect(body.error).toMatch(/more than one statement/);
    }
    expect(await state()).toEqual(before);
  });

  it('the database refuses a multi-statement text even when the reader is bypassed (extended protocol)', async () => {
    const { detail } = await fetchRecorded(server.url, `/item?who=${encodeURIComponent(smuggled)}`);
    const target = explainTarget(detail.queries[0].db.explainKey)!;
    const before = await state();
    for (const prefix of ['EXPLAIN (FORMAT JSON) ', 'EXPLAIN (ANALYZE, FORMAT JSON) ', '']) {
      await expect(target.withConnection(async (run) => {
        await run('BEGIN READ ONLY');
        try {
          return await run(prefix + detail.queries[0].sql);
        } finally {
          await run('ROLLBACK').catch(() => undefined);
        }
      })).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    }
    expect(await state()).toEqual(before);
  });

  it('notices when the read-only transaction was ended from inside, before rolling back', async () => {
    const { detail } = await fetchRecorded(server.url, '/item?who=me');
    const real = explainTarget(detail.queries[0].db.explainKey)!;
    // A fault injected after the EXPLAIN: what a smuggled COMMIT would have done.
    const committing: ExplainTarget = {
      dialect: 'postgres',
      withConnection: (work) => real.withConnection((run) => work(async (sql, params) => {
        const rows = await run(sql, params);
        if (sql.startsWith('EXPLAIN (FORMAT JSON) SELECT id')) await run('COMMIT');
        return rows;
      })),
    };
    await expect(runExplain(committing, detail.queries[0].sql, [], false)).rejects.toBeInstanceOf(TransactionEscaped);
    // Without the fault the same query explains.
    await expect(runExplain(real, detail.queries[0].sql, [], false)).resolves.toMatchObject({ statement: expect.stringMatching(/^SELECT id FROM items/) });
  });
});
