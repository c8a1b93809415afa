import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../../../../server/index.js';
import { createTables, ME, seedRows } from '../../../fixtures/orm-fixes/blog-schema.js';
import { pgParents, pgRoutes } from '../../../fixtures/orm-fixes/pg-app.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { fixRunner, onlyNPlusOne, plain } from '../../../support/run-fix.js';

/*
 * Issue 18: every N+1 fix suggested for hand-written node-postgres SQL is run: the user's own
 * statement batched (= ANY($1), or a LATERAL join over the values when a per-row LIMIT, ORDER BY
 * or aggregate must be kept), executed with the app's pool and the loop's parent rows in scope,
 * inside a recorded request. It must load what the loop loaded, with fewer queries.
 */

const available = await postgresAvailable();

type Rows = Record<string, any>[];
const byId = (rows: Rows, value: (row: Record<string, any>) => unknown) => Object.fromEntries(rows.map((row) => [String(row.id), value(row)]));
/** A row without the key column the batched query adds to match rows up. */
const without = (key: string) => (row: any) => {
  if (!row) return row ?? null;
  const { [key]: _k, ...rest } = row;
  return rest;
};

const SCENARIOS: {
  path: string; parents: (p: ReturnType<typeof pgParents>) => Promise<Rows>; sql: string; ids?: (parents: Rows) => unknown[];
  read: (vars: Record<string, any>, parents: Rows) => Record<string, unknown>;
}[] = [
  {
    path: '/authors', parents: (p) => p.articles(), sql: "'SELECT id, username FROM users WHERE id = ANY($1)',\n  [ids],",
    read: (vars, parents) => byId(parents, (a) => vars.userById.get(a.author_id) ?? null),
  },
  {
    path: '/comments', parents: (p) => p.articles(), sql: "'SELECT * FROM comments WHERE article_id = ANY($1) ORDER BY id',",
    read: (vars, parents) => byId(parents, (a) => vars.commentsByArticleId.get(a.id)),
  },
  {
    path: '/tags', parents: (p) => p.articles(),
    sql: `'SELECT t.id, t.name, at.article_id AS "article_id" FROM tags t JOIN article_tags at ON at.tag_id = t.id WHERE at.article_id = ANY($1) ORDER BY t.name',`,
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id).map(without('article_id'))),
  },
  {
    path: '/latest-beat', parents: (p) => p.monitors(),
    sql: "'SELECT _row.* FROM unnest($1::int[]) AS _key(value) CROSS JOIN LATERAL (SELECT * FROM heartbeats WHERE monitor_id = _key.value ORDER BY time DESC LIMIT 1) AS _row',",
    read: (vars, parents) => byId(parents, (m) => vars.heartbeatByMonitorId.get(m.id) ?? null),
  },
  {
    path: '/follows', parents: (p) => p.users(), ids: (users) => users.map((u) => u.id),
    sql: `'SELECT u.id, f.following_id AS "following_id" FROM users u JOIN follows f ON f.follower_id = u.id AND f.following_id = ANY($1) WHERE u.id = $2',\n  [ids, ${ME}],`,
    read: (vars, parents) => byId(parents, (u) => vars.usersByFollowingId.get(u.id).length > 0),
  },
  {
    path: '/comment-counts', parents: (p) => p.articles(),
    sql: `'SELECT _key.value AS "article_id", _row.* FROM unnest($1::int[]) AS _key(value) CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM comments WHERE article_id = _key.value) AS _row',`,
    // LATERAL keeps the per-row aggregate exactly: an article without comments counts 0.
    read: (vars, parents) => byId(parents, (a) => vars.commentByArticleId.get(a.id).n),
  },
  {
    path: '/unqualified', parents: (p) => p.articles(), ids: (articles) => articles.map((a) => a.id),
    sql: `'SELECT name, article_id AS "article_id" FROM tags, article_tags WHERE tags.id = article_tags.tag_id AND article_id = ANY($1) ORDER BY name',`,
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id).map(without('article_id'))),
  },
];

describe.skipIf(!available)('raw node-postgres: the suggested fixes run', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>> & { runner: ReturnType<typeof fixRunner> };

  beforeAll(async () => {
    schema = await createTestSchema('edt_fix_pg');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    for (const sql of [...createTables('postgres'), ...seedRows('postgres')]) await pool.query(sql);
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    const runner = fixRunner(app);
    app.use(pgRoutes(pool));
    server = { ...(await listen(app)), runner };
  });
  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it.each(SCENARIOS.map((s) => [s.path, s] as const))('%s', async (_path, scenario) => {
    const { body, detail } = await fetchRecorded(server.url, scenario.path);
    const group = onlyNPlusOne(detail);
    expect(group.suggestion.orm).toBe('pg');
    expect(group.suggestion.code).toContain(`await pool.query(\n  ${scenario.sql}`);

    const parents = await scenario.parents(pgParents(pool));
    const listName = scenario.path === '/latest-beat' ? 'monitors' : scenario.path === '/follows' ? 'users' : 'articles';
    const scope = { pool, [listName]: parents, ...(scenario.ids ? { ids: scenario.ids(parents) } : {}) };
    const run = await server.runner.run(server.url, group.suggestion.code, scope);

    expect(plain(scenario.read(run.vars, parents))).toEqual(JSON.parse(body));
    expect(run.detail.queryCount).toBe(1);
    expect(group.count).toBeGreaterThan(1);
  });

  it('says when the table of an unqualified column is not known, and that the parent could not be related', async () => {
    const { detail } = await fetchRecorded(server.url, '/unqualified');
    expect(onlyNPlusOne(detail).suggestion.reason).toContain('article_id is not qualified and the FROM names several tables (tags, article_tags), so which table it belongs to is not known; the fix keeps it as written.');
  });
});
