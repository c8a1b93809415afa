import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { debugToolbar } from '../../../../server/index.js';
import { EXPLAIN_APPLICATION_NAME } from '../../../../server/panels/sql/explain/pg-target.js';
import { explainTarget, type ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { holdSlot, limitConnections, ExplainBusy } from '../../../../server/panels/sql/explain/limiter.js';
import { POSTGRES_URL, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain, postWhatIf } from '../../../support/explain.js';

/*
 * One EXPLAIN, one connection, one slot of the limit (at most two per database). Connections are
 * counted by PostgreSQL itself: pg_stat_database.sessions of a database of this test's own, read
 * once pg_stat_activity shows none of the toolbar's connections to it left (a backend reports its
 * session before it leaves pg_stat_activity).
 */

const available = await postgresAvailable();

describe.skipIf(!available)('EXPLAIN connections on PostgreSQL', () => {
  const database = `edt_conns_${randomBytes(4).toString('hex')}`;
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  let admin: pg.Client;
  let server: Awaited<ReturnType<typeof listen>>;
  let target: ExplainTarget;
  let query: { requestId: string; queryId: number };

  /** The sessions PostgreSQL counted on the test's database, once the toolbar's connections to it are gone. */
  async function sessions(): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [database, EXPLAIN_APPLICATION_NAME]);
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await admin.query('SELECT pg_stat_clear_snapshot()');
    return (await admin.query('SELECT sessions::int AS n FROM pg_stat_database WHERE datname = $1', [database])).rows[0].n;
  }

  /** How many connections `action` opened to the test's database. */
  async function connectionsOf(action: () => Promise<unknown>): Promise<number> {
    const before = await sessions();
    await action();
    return (await sessions()) - before;
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    await pool.query('CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text)');
    await pool.query("INSERT INTO posts (author_id, title) SELECT i % 100, 'post ' || i FROM generate_series(1, 12000) i");
    await pool.query('ANALYZE posts');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/q', async (_req, res) => res.json((await pool.query('SELECT id, title FROM posts WHERE author_id = $1', [3])).rowCount));
    server = await listen(app);
    const { id, detail } = await fetchRecorded(server.url, '/q');
    query = { requestId: id, queryId: detail.panels.sql!.queries[0].id };
    target = explainTarget(detail.panels.sql!.queries[0].db.explainKey) as ExplainTarget;
    // The app's own connection counts its session when it leaves: leave now, before anything is counted.
    await pool.end();
  }, 60_000);

  afterEach(() => vi.restoreAllMocks());

  afterAll(async () => {
    await server?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.end();
  });

  it.each([false, true])('an EXPLAIN (analyze: %s) and its advice open one connection and take one slot', async (analyze) => {
    const slots = vi.spyOn(target, 'withConnection');
    let body: Record<string, any> = {};
    const opened = await connectionsOf(async () => {
      const response = await postExplain(server.url, { ...query, analyze });
      expect(response.status).toBe(200);
      body = response.body;
    });
    // The advice still read the catalog: the suggestion is checked against posts' indexes and statistics.
    expect(body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_author_id_idx ON posts (author_id);']);
    expect(body.notes.join(' ')).not.toMatch(/could not read the catalog/);
    expect(opened).toBe(1);
    expect(slots).toHaveBeenCalledTimes(1);
  });

  it('a what-if holds one slot for its connections: the plan before, the plan with the index, the catalog read again', async () => {
    const slots = vi.spyOn(target, 'withConnection');
    const held = vi.spyOn(target, 'hold' as never);
    const opened = await connectionsOf(async () => {
      const response = await postWhatIf(server.url, query);
      expect(response.status).toBe(200);
      expect(response.body.used).toBe(true);
    });
    expect(opened).toBe(3);
    expect(held).toHaveBeenCalledTimes(1);
    expect(slots).not.toHaveBeenCalled();
  });

  it('while a slot is held, the limit refuses the next action rather than opening another connection', async () => {
    const limited = limitConnections({ dialect: 'postgres', withConnection: (work) => target.hold!((own) => own.withConnection(work)) }, 1, 0);
    const between: unknown[] = [];
    await holdSlot(limited, async (own) => {
      await own.withConnection((run) => run('SELECT 1'));
      between.push(await limited.withConnection((run) => run('SELECT 1')).catch((error) => error));
      await own.withConnection((run) => run('SELECT 1'));
    });
    expect(between[0]).toBeInstanceOf(ExplainBusy);
    await expect(limited.withConnection(async (run) => (await run('SELECT 1 AS one'))[0])).resolves.toEqual({ one: 1 });
  });
});
