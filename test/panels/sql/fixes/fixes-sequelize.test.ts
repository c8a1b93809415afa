import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import mysql from 'mysql2';
import * as SequelizeModule from 'sequelize';
import { Sequelize } from 'sequelize';
import { debugToolbar } from '../../../../server/index.js';
import { createTables, ME, seedRows } from '../../../fixtures/orm-fixes/blog-schema.js';
import { defineModels, parentQueries, sequelizeRoutes, type Models } from '../../../fixtures/orm-fixes/sequelize-app.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { fixRunner, onlyNPlusOne, plain } from '../../../support/run-fix.js';

/*
 * Issue 18: every N+1 fix the toolbar suggests for a Sequelize app is run. The route runs its
 * loop through a real Express app with the toolbar; the fix is taken from the API and executed
 * with the app's models in scope against the same database; it must return what the loop
 * loaded, with fewer queries. With the Sequelize instance passed, the fix names the app's own
 * models and aliases; without it, it stays at the SQL level and says what passing it would add.
 */

const postgresUp = await postgresAvailable();
const mariadbUp = await mysqlAvailable();

type Rows = Record<string, any>[];
type PerRow = Record<string, unknown>;
interface Scenario {
  path: string;
  /** The rows the fix starts from, when it reads them (the app's own parent query). */
  parents?: (p: ReturnType<typeof parentQueries>) => Promise<Rows>;
  title: string | RegExp;
  code: string[];
  /** The values the loop looked up, for a fix that starts from them (`ids`) when its parent is not known. */
  ids?: (parents: Rows) => unknown[];
  /** What the fix loaded, per parent id, to compare with what the loop loaded. */
  read: (vars: Record<string, any>, parents: Rows) => PerRow;
  /** What to compare of each loaded value (the loop's and the fix's rows may differ in extra keys). */
  compare?: (value: any) => unknown;
}

const byId = (rows: Rows, value: (row: Record<string, any>) => unknown): PerRow => Object.fromEntries(rows.map((row) => [String(row.id), value(row)]));
const sorted = (list: any[] | null | undefined) => [...(list ?? [])].sort((a, b) => a.id - b.id);
const ids = (value: any) => (Array.isArray(value) ? sorted(value).map((row) => row.id) : value?.id ?? value);
const tagFields = (value: any) => sorted(value).map((tag: any) => ({ id: tag.id, name: tag.name }));

const WITH_MODELS: Scenario[] = [
  {
    path: '/authors', title: 'Include author in the Article query', code: ["include: [{ model: User, as: 'author' }]", 'read article.author'],
    read: (vars) => byId(vars.articles, (a) => plain(a.author)),
  },
  {
    path: '/comments', title: 'Include comments in the Article query', code: ["include: [{ model: Comment, as: 'comments', separate: true }]"],
    read: (vars) => byId(vars.articles, (a) => plain(a.comments)),
  },
  {
    path: '/tags', title: 'Include tagList in the Article query', code: ["include: [{ model: Tag, as: 'tagList' }]", 'read article.tagList'],
    read: (vars) => byId(vars.articles, (a) => plain(a.tagList)), compare: tagFields,
  },
  {
    path: '/latest-beat', title: 'Include beats in the Monitor query',
    code: ["include: [{ model: Heartbeat, as: 'beats', separate: true, order: [['time', 'DESC']], limit: 1 }]"],
    read: (vars) => byId(vars.monitors, (m) => plain(m.beats[0] ?? null)), compare: ids,
  },
  {
    path: '/loaded-twice', parents: (p) => p.articlesWithAuthor(), title: 'Read article.author: Article.findAll already includes it',
    code: ['const authors = articles.map((article) => article.author);'],
    read: (vars, parents) => Object.fromEntries(parents.map((a, i) => [String(a.id), plain(vars.authors[i])])),
  },
  {
    // The include is there, but the loop asks for less (its own where): reading article.comments would be wrong.
    path: '/loaded-but-filtered', parents: (p) => p.articlesWithComments(), title: 'Load every Comment in one findAll',
    code: ['const ids = [...new Set(articles.map((article) => article.id))];', 'await Comment.findAll({ where: { articleId: ids, userId: 2 } })'],
    read: (vars, parents) => byId(parents, (a) => plain(vars.commentsByArticleId.get(a.id))),
  },
  {
    path: '/follows', title: 'Include followers in the User query', code: [`include: [{ model: User, as: 'followers', where: { id: ${ME} }, required: false }]`],
    read: (vars) => byId(vars.users, (u) => u.followers.length > 0),
  },
  {
    path: '/helper', title: 'Include author in the Article query', code: ["include: [{ model: User, as: 'author' }]"],
    read: (vars) => byId(vars.articles, (a) => plain(a.author)),
  },
];

const WITHOUT_MODELS: Scenario[] = [
  {
    path: '/authors', parents: (p) => p.articles(), title: 'Load every User in one findAll',
    code: ['const ids = [...new Set(articles.map((article) => article.authorId))];', 'await User.findAll({ where: { id: ids } })'],
    read: (vars, parents) => byId(parents, (a) => plain(vars.userById.get(a.authorId))),
  },
  {
    path: '/comments', parents: (p) => p.articles(), title: 'Load every Comment in one findAll', code: ['await Comment.findAll({ where: { articleId: ids } })'],
    read: (vars, parents) => byId(parents, (a) => plain(vars.commentsByArticleId.get(a.id))),
  },
  {
    path: '/tags', parents: (p) => p.articles(), title: /^Load all tags in one sequelize\.query/, code: ['await sequelize.query('],
    read: (vars, parents) => byId(parents, (a) => vars.tagsByArticleId.get(a.id)), compare: tagFields,
  },
  {
    path: '/latest-beat', parents: (p) => p.monitors(), title: /^Load all heartbeats in one sequelize\.query/, code: ['await sequelize.query('],
    read: (vars, parents) => byId(parents, (m) => vars.heartbeatByMonitorId.get(m.id) ?? null), compare: ids,
  },
  {
    path: '/loaded-twice', parents: (p) => p.articlesWithAuthor(), title: 'Read article.author: Article.findAll already includes it',
    code: ['const authors = articles.map((article) => article.author);'],
    read: (vars, parents) => Object.fromEntries(parents.map((a, i) => [String(a.id), plain(vars.authors[i])])),
  },
  {
    path: '/follows', parents: (p) => p.users(), ids: (users) => users.map((u) => u.id),
    title: /^Load all users in one sequelize\.query/, code: ['// ids: the following_id values the loop looked up', 'await sequelize.query('],
    read: (vars, parents) => byId(parents, (u) => vars.usersByFollowingId.get(u.id).length > 0),
  },
  {
    path: '/helper', parents: (p) => p.articles(), title: 'Load every User in one findAll', code: ['await User.findAll({ where: { id: ids } })'],
    read: (vars, parents) => byId(parents, (a) => plain(vars.userById.get(a.authorId))),
  },
];

interface Setup { sequelize: Sequelize; driver: Record<string, unknown>; drop: () => Promise<void> }

async function postgres(): Promise<Setup> {
  const schema = await createTestSchema('edt_fix_seq');
  const sequelize = new Sequelize(schema.connection.connectionString, { logging: false, dialectOptions: { options: schema.connection.options } });
  return { sequelize, driver: { pg }, drop: schema.drop };
}

async function mariadb(): Promise<Setup> {
  const database = await createTestDatabase('edt_fix_seq');
  const { host, port, user, password } = database.connection;
  const sequelize = new Sequelize(database.database, user, password ?? '', { dialect: 'mysql', host, port, logging: false, timezone: '+00:00' });
  return { sequelize, driver: { mysql2: mysql }, drop: database.drop };
}

describe.each([
  ['PostgreSQL', 'postgres' as const, postgresUp, postgres],
  ['MariaDB', 'mysql' as const, mariadbUp, mariadb],
])('Sequelize on %s: the suggested fixes run', (_name, dialect, up, connect) => {
  let setup: Setup;
  let models: Models;
  const servers: Record<'withModels' | 'withoutModels', { url: string; close: () => Promise<void>; runner: ReturnType<typeof fixRunner> }> = {} as never;

  beforeAll(async () => {
    if (!up) return;
    setup = await connect();
    for (const sql of [...createTables(dialect), ...seedRows(dialect)]) await setup.sequelize.query(sql);
    models = defineModels(setup.sequelize);
    for (const [key, instrument] of [['withModels', { ...setup.driver, sequelize: setup.sequelize }], ['withoutModels', setup.driver]] as const) {
      const app = express();
      app.use(debugToolbar({ instrument }));
      const runner = fixRunner(app);
      app.use(sequelizeRoutes(models));
      servers[key] = { ...(await listen(app)), runner };
    }
  });
  afterAll(async () => {
    for (const server of Object.values(servers)) await server.close();
    await setup?.sequelize.close();
    await setup?.drop();
  });

  async function check(server: (typeof servers)['withModels'], scenario: Scenario) {
    const { body, detail } = await fetchRecorded(server.url, scenario.path);
    const group = onlyNPlusOne(detail);
    const { suggestion } = group;
    if (typeof scenario.title === 'string') expect(suggestion.title).toBe(scenario.title);
    else expect(suggestion.title).toMatch(scenario.title);
    for (const line of scenario.code) expect(suggestion.code).toContain(line);
    expect(suggestion.orm).toBe('sequelize');

    const parents = scenario.parents ? await scenario.parents(parentQueries(models)) : [];
    const scope = {
      ...models, sequelize: setup.sequelize, ...(scenario.parents ? { [parentName(scenario.path)]: parents } : {}),
      ...(scenario.ids ? { ids: scenario.ids(parents) } : {}),
    };
    const run = await server.runner.run(server.url, suggestion.code, scope, { sequelize: SequelizeModule as never });

    const compare = scenario.compare ?? ((v: unknown) => v);
    const expected = Object.fromEntries(Object.entries(JSON.parse(body) as PerRow).map(([k, v]) => [k, compare(v)]));
    const got = Object.fromEntries(Object.entries(scenario.read(run.vars, parents)).map(([k, v]) => [k, compare(v)]));
    expect(got).toEqual(expected);
    expect(run.detail.queryCount).toBeLessThan(group.count);
    expect(run.detail.panels.sql!.nPlusOne).toEqual([]);
    return suggestion;
  }

  describe.skipIf(!up)('with the Sequelize instance passed: the models\' own names', () => {
    it.each(WITH_MODELS.map((s) => [s.path, s] as const))('%s', async (_path, scenario) => {
      const suggestion = await check(servers.withModels, scenario);
      expect(suggestion.reason).not.toMatch(/Pass your Sequelize instance/);
    });
  });

  describe.skipIf(!up)('without it: the SQL level, and one line on what passing it adds', () => {
    it.each(WITHOUT_MODELS.map((s) => [s.path, s] as const))('%s', async (_path, scenario) => {
      const suggestion = await check(servers.withoutModels, scenario);
      expect(suggestion.reason).toMatch(/Pass your Sequelize instance too \(instrument: \{ …, sequelize \}\) and the fix names your models and association aliases/);
      expect(suggestion.code).not.toMatch(/include:/);
    });
  });
});

/** The variable the fixes name the parent rows by: `articles`, `monitors`, `users`. */
function parentName(path: string): string {
  return path === '/latest-beat' ? 'monitors' : path === '/follows' ? 'users' : 'articles';
}
