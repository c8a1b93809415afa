import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import mysql from 'mysql2';
import Database from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import { createTables, seedRows, type Dialect } from '../../../fixtures/orm-fixes/blog-schema.js';
import { knexParents, knexRoutes } from '../../../fixtures/orm-fixes/knex-app.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { fixRunner, onlyNPlusOne, plain } from '../../../support/run-fix.js';

/*
 * Issue 18: every N+1 fix suggested for a knex app is run, on PostgreSQL, MariaDB and SQLite
 * (better-sqlite3): the route's loop through a real Express app with the toolbar, then the fix
 * from the API executed with `knex` and the loop's parent rows in scope, inside a recorded
 * request. It must load what the loop loaded, with fewer queries.
 */

const postgresUp = await postgresAvailable();
const mariadbUp = await mysqlAvailable();

type Rows = Record<string, any>[];
interface Scenario {
  path: string;
  parents: (p: ReturnType<typeof knexParents>) => Promise<Rows>;
  title: string | RegExp;
  code: (dialect: Dialect) => string[];
  /** The values the loop looked up, for a fix that starts from them (`ids`) when its parent is not known. */
  ids?: (parents: Rows) => unknown[];
  read: (vars: Record<string, any>, parents: Rows) => Record<string, unknown>;
  compare?: (value: any) => unknown;
}

const byId = (rows: Rows, value: (row: Record<string, any>) => unknown) => Object.fromEntries(rows.map((row) => [String(row.id), value(row)]));
/** A row as the loop got it, without the columns a batched query adds to match rows up. */
const own = (row: any) => {
  if (!row) return row ?? null;
  const { _row_number: _n, ...rest } = row;
  return rest;
};
const names = (rows: any[]) => rows.map((row) => row.name);

const SCENARIOS: Scenario[] = [
  {
    path: '/authors', parents: (p) => p.articles(), title: "Load the users with one .whereIn('id', …)",
    code: () => ['const ids = [...new Set(articles.map((article) => article.author_id))];', "await knex('users')\n  .whereIn('id', ids);"],
    read: (vars, parents) => byId(parents, (a) => vars.userById.get(a.author_id) ?? null),
  },
  {
    path: '/comments', parents: (p) => p.articles(), title: "Load the comments with one .whereIn('article_id', …)",
    code: () => [".whereIn('article_id', ids)\n  .orderBy('id');"],
    read: (vars, parents) => byId(parents, (a) => vars.commentsByArticleId.get(a.id)),
  },
  {
    path: '/tags', parents: (p) => p.articles(), title: /^Load all tags in one knex\.raw query/,
    code: (d) => [d === 'postgres' ? '= ANY(?)' : d === 'mysql' ? 'IN (?)' : 'IN (SELECT value FROM json_each(?))'],
    // The batched rows carry article_id too, to match them up: compare what the loop selected.
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id).map(({ article_id: _a, ...tag }: any) => tag)),
  },
  {
    path: '/latest-beat', parents: (p) => p.monitors(), title: 'Load the latest row of each monitor_id in one query with .whereIn and .rowNumber()',
    code: () => [".rowNumber('_row_number', (w) => w.orderBy('time', 'desc').partitionBy('monitor_id'))"],
    read: (vars, parents) => byId(parents, (m) => own(vars.heartbeatByMonitorId.get(m.id))),
  },
  {
    path: '/follows', parents: (p) => p.users(), ids: (users) => users.map((u) => u.id), title: /^Load all users in one knex\.raw query/,
    code: (d) => [d === 'postgres' ? 'CROSS JOIN LATERAL' : 'ROW_NUMBER() OVER (PARTITION BY'],
    read: (vars, parents) => byId(parents, (u) => vars.userByFollowingId.get(u.id) !== undefined),
  },
  {
    path: '/comment-counts', parents: (p) => p.articles(), title: /^Load all comments in one knex\.raw query/,
    code: (d) => [d === 'postgres' ? 'CROSS JOIN LATERAL' : 'GROUP BY'],
    // Without LATERAL, an article without comments has no row: the fix says so, and 0 is what the loop got.
    read: (vars, parents) => byId(parents, (a) => Number(vars.commentByArticleId.get(a.id)?.n ?? 0)),
  },
  {
    path: '/unqualified', parents: (p) => p.articles(), ids: (articles) => articles.map((a) => a.id), title: /^Load all tags in one knex\.raw query/,
    code: () => ['// ids: the article_id values the loop looked up'],
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id)), compare: names,
  },
  {
    path: '/helper', parents: (p) => p.articles(), title: "Load the users with one .whereIn('id', …)",
    code: () => ["await knex('users')\n  .whereIn('id', ids);"],
    read: (vars, parents) => byId(parents, (a) => vars.userById.get(a.author_id) ?? null),
  },
];

interface Setup { knex: Knex; instrument: object; drop: () => Promise<void> }

async function onPostgres(): Promise<Setup> {
  const schema = await createTestSchema('edt_fix_knex');
  const knex = knexFactory({ client: 'pg', connection: schema.connection, pool: { min: 0, max: 2 } });
  return { knex, instrument: { pg }, drop: schema.drop };
}
async function onMariadb(): Promise<Setup> {
  const database = await createTestDatabase('edt_fix_knex');
  const knex = knexFactory({ client: 'mysql2', connection: { ...database.connection, timezone: 'Z' }, pool: { min: 0, max: 2 } });
  return { knex, instrument: { mysql2: mysql }, drop: database.drop };
}
async function onSqlite(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'edt-fix-knex-'));
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'blog.db') }, useNullAsDefault: true });
  return { knex, instrument: { betterSqlite3: Database }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each([
  ['PostgreSQL', 'postgres' as const, postgresUp, onPostgres],
  ['MariaDB', 'mysql' as const, mariadbUp, onMariadb],
  ['SQLite (better-sqlite3)', 'sqlite' as const, true, onSqlite],
])('knex on %s: the suggested fixes run', (_name, dialect, up, connect) => {
  let setup: Setup;
  let server: Awaited<ReturnType<typeof listen>> & { runner: ReturnType<typeof fixRunner> };

  beforeAll(async () => {
    if (!up) return;
    setup = await connect();
    for (const sql of [...createTables(dialect), ...seedRows(dialect)]) await setup.knex.raw(sql);
    // knex's first query on a connection may check the server version: not part of any route.
    await setup.knex.raw('select 1');
    const app = express();
    app.use(debugToolbar({ instrument: setup.instrument }));
    const runner = fixRunner(app);
    app.use(knexRoutes(setup.knex));
    server = { ...(await listen(app)), runner };
  });
  afterAll(async () => {
    await server?.close();
    await setup?.knex.destroy();
    await setup?.drop();
  });

  it.skipIf(!up).each(SCENARIOS.map((s) => [s.path, s] as const))('%s', async (_path, scenario) => {
    const { body, detail } = await fetchRecorded(server.url, scenario.path);
    const group = onlyNPlusOne(detail);
    const { suggestion } = group;
    if (typeof scenario.title === 'string') expect(suggestion.title).toBe(scenario.title);
    else expect(suggestion.title).toMatch(scenario.title);
    for (const line of scenario.code(dialect)) expect(suggestion.code).toContain(line);
    expect(suggestion.orm).toBe('knex');

    const parents = await scenario.parents(knexParents(setup.knex));
    const listName = scenario.path === '/latest-beat' ? 'monitors' : scenario.path === '/follows' ? 'users' : 'articles';
    const scope = { knex: setup.knex, [listName]: parents, ...(scenario.ids ? { ids: scenario.ids(parents) } : {}) };
    const run = await server.runner.run(server.url, suggestion.code, scope);

    const compare = scenario.compare ?? ((v: unknown) => v);
    const normalise = (perRow: Record<string, unknown>) => Object.fromEntries(Object.entries(plain(perRow)).map(([k, v]) => [k, compare(v)]));
    expect(normalise(scenario.read(run.vars, parents))).toEqual(normalise(JSON.parse(body)));
    expect(run.detail.queryCount).toBeLessThan(group.count);
    expect(run.detail.panels.sql!.nPlusOne).toEqual([]);
  });
});
