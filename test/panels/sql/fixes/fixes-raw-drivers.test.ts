import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import Database from 'better-sqlite3';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import { createTables, seedRows, type Dialect } from '../../../fixtures/orm-fixes/blog-schema.js';
import { rawParents, rawRoutes, type All } from '../../../fixtures/orm-fixes/raw-app.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { fixRunner, onlyNPlusOne, plain } from '../../../support/run-fix.js';

/*
 * Issue 18: the fixes suggested for hand-written SQL on mysql2 (MariaDB), better-sqlite3 and
 * sqlite3 are run in each driver's own call (connection.query, db.prepare().all, db.all), with the
 * loop's parent rows in scope, inside a recorded request: same data as the loop, fewer queries.
 */

const mariadbUp = await mysqlAvailable();
type Rows = Record<string, any>[];
const byId = (rows: Rows, value: (row: Record<string, any>) => unknown) => Object.fromEntries(rows.map((row) => [String(row.id), value(row)]));
const without = (...keys: string[]) => (row: any) => (row ? Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k))) : null);

const SCENARIOS: { path: string; list: string; parents: (p: ReturnType<typeof rawParents>) => Promise<Rows>; ids?: boolean;
  code: (d: Dialect) => string; read: (vars: Record<string, any>, parents: Rows) => Record<string, unknown> }[] = [
  {
    path: '/authors', list: 'articles', parents: (p) => p.articles(), code: (d) => (d === 'mysql' ? 'WHERE id IN (?)' : 'WHERE id IN (SELECT value FROM json_each(?))'),
    read: (vars, parents) => byId(parents, (a) => vars.userById.get(a.author_id) ?? null),
  },
  {
    path: '/tags', list: 'articles', parents: (p) => p.articles(), code: () => 'at.article_id AS',
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id).map(without('article_id'))),
  },
  {
    path: '/latest-beat', list: 'monitors', parents: (p) => p.monitors(), code: () => 'ROW_NUMBER() OVER (PARTITION BY monitor_id ORDER BY time DESC)',
    read: (vars, parents) => byId(parents, (m) => without('_row_number')(vars.heartbeatByMonitorId.get(m.id))),
  },
  {
    path: '/follows', list: 'users', parents: (p) => p.users(), ids: true, code: () => 'f.following_id AS',
    read: (vars, parents) => byId(parents, (u) => vars.userByFollowingId?.has(u.id) ?? vars.usersByFollowingId.get(u.id).length > 0),
  },
  {
    path: '/comment-counts', list: 'articles', parents: (p) => p.articles(), code: () => 'GROUP BY article_id',
    read: (vars, parents) => byId(parents, (a) => Number(vars.commentByArticleId.get(a.id)?.n ?? 0)),
  },
];

interface Setup { all: All; exec: (sql: string) => Promise<unknown>; instrument: object; scope: Record<string, unknown>; orm: string; close: () => Promise<void> }

async function onMysql2(): Promise<Setup> {
  const database = await createTestDatabase('edt_fix_raw');
  const connection = await mysqlPromise.createConnection({ ...database.connection, multipleStatements: false });
  return {
    all: async (sql, params) => (await connection.query(sql, params))[0] as Rows, exec: (sql) => connection.query(sql),
    instrument: { mysql2: mysql }, scope: { connection }, orm: 'mysql2',
    close: async () => { await connection.end(); await database.drop(); },
  };
}
async function onBetterSqlite3(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'edt-fix-raw-'));
  const db = new Database(join(dir, 'blog.db'));
  return {
    all: async (sql, params) => db.prepare(sql).all(...params) as Rows, exec: async (sql) => db.exec(sql),
    instrument: { betterSqlite3: Database }, scope: { db }, orm: 'better-sqlite3',
    close: async () => { db.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}
async function onSqlite3(): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'edt-fix-raw-'));
  const db = new sqlite3.Database(join(dir, 'blog.db'));
  const all: All = (sql, params) => new Promise((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as Rows))));
  return {
    all, exec: (sql) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve()))),
    instrument: { sqlite3 }, scope: { db }, orm: 'sqlite3',
    close: async () => { await new Promise((resolve) => db.close(resolve)); rmSync(dir, { recursive: true, force: true }); },
  };
}

describe.each([
  ['mysql2 on MariaDB', 'mysql' as const, mariadbUp, onMysql2],
  ['better-sqlite3', 'sqlite' as const, true, onBetterSqlite3],
  ['sqlite3', 'sqlite' as const, true, onSqlite3],
])('raw %s: the suggested fixes run', (_name, dialect, up, connect) => {
  let setup: Setup;
  let server: Awaited<ReturnType<typeof listen>> & { runner: ReturnType<typeof fixRunner> };

  beforeAll(async () => {
    if (!up) return;
    setup = await connect();
    for (const sql of [...createTables(dialect), ...seedRows(dialect)]) await setup.exec(sql);
    const app = express();
    app.use(debugToolbar({ instrument: setup.instrument }));
    const runner = fixRunner(app);
    app.use(rawRoutes(setup.all));
    server = { ...(await listen(app)), runner };
  });
  afterAll(async () => {
    await server?.close();
    await setup?.close();
  });

  it.skipIf(!up).each(SCENARIOS.map((s) => [s.path, s] as const))('%s', async (_path, scenario) => {
    const { body, detail } = await fetchRecorded(server.url, scenario.path);
    const group = onlyNPlusOne(detail);
    expect(group.suggestion.orm).toBe(setup.orm);
    expect(group.suggestion.code).toContain(scenario.code(dialect));
    const parents = await scenario.parents(rawParents(setup.all));
    const scope = { ...setup.scope, [scenario.list]: parents, ...(scenario.ids ? { ids: parents.map((p) => p.id) } : {}) };
    const run = await server.runner.run(server.url, group.suggestion.code, scope);
    expect(plain(scenario.read(run.vars, parents))).toEqual(JSON.parse(body));
    expect(run.detail.queryCount).toBe(1);
    expect(group.count).toBeGreaterThan(1);
  });
});
