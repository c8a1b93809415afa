import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import mysql from 'mysql2';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import * as SequelizeModule from 'sequelize';
import { Sequelize } from 'sequelize';
import { debugToolbar } from '../../../../server/index.js';
import type { NPlusOneGroup } from '../../../../server/types.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { fixRunner } from '../../../support/run-fix.js';

/*
 * The fixes offered for a real CommonJS app (the conduit backend's models and list routes,
 * test/fixtures/conduit/app.cjs, loaded with `require`), each run as written: it must parse,
 * `require` rather than `import`, and return per row what the loop loaded with fewer queries.
 * Before, 2 of these 9 ran: the rest imported, looped over findAndCountAll's `{ rows, count }`,
 * took the COUNT as the loop's parent, redeclared `users`, answered `hasFollower` with an
 * arbitrary user, and compared pg's string counts with numbers.
 */

const conduit = createRequire(import.meta.url)('../../../fixtures/conduit/app.cjs') as {
  defineModels(sequelize: Sequelize): Record<'User' | 'Article' | 'Comment' | 'Tag', any>;
  seed(sequelize: Sequelize, models: Record<string, any>): Promise<void>;
  routes(models: Record<string, any>): express.Router;
  articleListOptions(models: Record<string, any>): Record<string, unknown>;
};

const ME = 1;
type Rows = any[];
interface Expected {
  title: RegExp;
  code: string[];
  /** Per row id, what the fix answers, to compare with the route's own field. */
  read: (vars: Record<string, any>, rows: Rows) => Record<string, unknown>;
  field: string;
  /** The values the loop looked up, for a fix that starts from them. */
  ids?: (rows: Rows) => unknown[];
}

const perRow = (rows: Rows, value: (row: any, i: number) => unknown) => Object.fromEntries(rows.map((row, i) => [String(row.id), value(row, i)]));
const authorIds = (rows: Rows) => [...new Set(rows.map((row) => row.author.id))];

const FOLLOWERS: Expected[] = [
  {
    title: /^Load every Followers link in one findAll, then answer hasFollower from a Set per user$/,
    code: ['await sequelize.models.Followers.findAll({ where: { userId: ids, followerId: 1 }, raw: true })', '.has(1) instead of user.hasFollower(…)'],
    ids: authorIds, field: 'following',
    read: (vars, rows) => perRow(rows, (row) => vars.followerIdsByUserId.get(row.author.id).has(ME)),
  },
  {
    title: /in one sequelize\.query, the SQL batched over the userId values$/,
    code: ["const { QueryTypes } = require('sequelize');", 'Number(row.count)'],
    ids: authorIds, field: 'followersCount',
    read: (vars, rows) => perRow(rows, (row) => vars.countByUserId.get(row.author.id)),
  },
];

const ARTICLES: Expected[] = [
  {
    title: /^Read article\.tagList: Article\.findAndCountAll already includes it$/,
    code: ['const tagLists = articles.rows.map((article) => article.tagList);'], field: 'tags',
    read: (vars, rows) => perRow(rows, (_row, i) => vars.tagLists[i].map((tag: any) => tag.name).sort()),
  },
  {
    title: /^Read article\.author: Article\.findAndCountAll already includes it$/,
    code: ['const authors = articles.rows.map((article) => article.author);', 'lacks email'], field: 'authorId',
    read: (vars, rows) => perRow(rows, (_row, i) => vars.authors[i].id),
  },
  ...FOLLOWERS,
  {
    title: /^Include Users in the Article query$/,
    code: ['const articles = await Article.findAndCountAll({', "include: [{ model: User, as: 'Users', where: { id: 1 }, required: false }]", 'for each article of articles.rows'],
    field: 'favorited',
    read: (vars, rows) => perRow(rows, (row) => vars.articles.rows.find((a: any) => a.id === row.id).Users.length > 0),
  },
  {
    title: /in one sequelize\.query, the SQL batched over the articleId values$/,
    code: ['const ids = [...new Set(articles.rows.map((article) => article.id))];', 'Number(row.count)'], field: 'favoritesCount',
    read: (vars, rows) => perRow(rows, (row) => vars.countByArticleId.get(row.id)),
  },
];

const COMMENTS: Expected[] = [
  {
    title: /^Read comment\.author: article\.getComments already includes it$/,
    code: ['const authors = comments.map((comment) => comment.author);'], field: 'authorId',
    read: (vars, rows) => perRow(rows, (_row, i) => vars.authors[i].id),
  },
  ...FOLLOWERS,
];

interface Setup { sequelize: Sequelize; driver: Record<string, unknown>; drop: () => Promise<void> }

async function postgres(): Promise<Setup> {
  const schema = await createTestSchema('edt_conduit');
  const sequelize = new Sequelize(schema.connection.connectionString, { logging: false, dialectOptions: { options: schema.connection.options } });
  return { sequelize, driver: { pg }, drop: schema.drop };
}

async function mariadb(): Promise<Setup> {
  const database = await createTestDatabase('edt_conduit');
  const { host, port, user, password } = database.connection;
  const sequelize = new Sequelize(database.database, user, password ?? '', { dialect: 'mysql', host, port, logging: false, timezone: '+00:00' });
  return { sequelize, driver: { mysql2: mysql }, drop: database.drop };
}

describe.each([
  ['PostgreSQL', await postgresAvailable(), postgres],
  ['MariaDB', await mysqlAvailable(), mariadb],
])('a CommonJS Sequelize app on %s: every fix offered runs as written', (name, up, connect) => {
  let setup: Setup;
  let models: Record<string, any>;
  let server: { url: string; close: () => Promise<void> };
  let runner: ReturnType<typeof fixRunner>;

  beforeAll(async () => {
    if (!up) return;
    setup = await connect();
    models = conduit.defineModels(setup.sequelize);
    await conduit.seed(setup.sequelize, models);
    const app = express();
    app.use(debugToolbar({ instrument: { ...setup.driver, sequelize: setup.sequelize } }));
    runner = fixRunner(app);
    app.use(conduit.routes(models));
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await setup?.sequelize.close();
    await setup?.drop();
  });

  async function check(path: string, expected: Expected[], parents: () => Promise<{ scope: Record<string, unknown>; rows: Rows }>) {
    const { body, detail } = await fetchRecorded(server.url, path);
    const route = JSON.parse(body) as Record<string, Record<string, unknown>>;
    const groups = detail.panels.sql!.nPlusOne.filter((g): g is NPlusOneGroup & { suggestion: NonNullable<NPlusOneGroup['suggestion']> } => !!g.suggestion);
    expect(groups.map((g) => g.suggestion.title)).toHaveLength(expected.length);
    for (const want of expected) {
      const group = groups.find((g) => want.title.test(g.suggestion.title));
      expect(group, `${want.title} among ${groups.map((g) => g.suggestion.title).join(' | ')}`).toBeDefined();
      const { code } = group!.suggestion;
      for (const line of want.code) expect(code).toContain(line);
      // CommonJS: no import statements, and the snippet is valid JavaScript in its order.
      expect(code).not.toMatch(/^import /m);
      expect(() => new vm.Script(`(async () => {\n${code}\n})`)).not.toThrow();

      const { scope, rows } = await parents();
      const run = await runner.run(server.url, code, { ...models, sequelize: setup.sequelize, ...scope, ...(want.ids ? { ids: want.ids(rows) } : {}) },
        { sequelize: SequelizeModule as never });
      const got = want.read(run.vars, rows);
      const loaded = Object.fromEntries(Object.entries(route).map(([id, values]) => [id, values[want.field]]));
      expect(got, `${name} ${want.title}`).toEqual(loaded);
      expect(run.detail.queryCount).toBeLessThan(group!.count);
      expect(run.detail.panels.sql!.nPlusOne).toEqual([]);
    }
  }

  it.skipIf(!up)('the articles list (findAndCountAll, tags, authors, follows, favorites)', async () => {
    await check('/articles', ARTICLES, async () => {
      const articles = await models.Article.findAndCountAll(conduit.articleListOptions(models));
      return { scope: { articles }, rows: articles.rows };
    });
  });

  it.skipIf(!up)('the feed: the followed users fetched first are not what the loop goes over (more runs than rows)', async () => {
    await check('/feed', ARTICLES, async () => {
      const me = await models.User.findByPk(ME);
      const authors = await me.getFollowing();
      const articles = await models.Article.findAndCountAll({ ...conduit.articleListOptions(models), where: { userId: authors.map((a: any) => a.id) } });
      return { scope: { articles }, rows: articles.rows };
    });
  });

  it.skipIf(!up)('an article\'s comments (article.getComments with its author included)', async () => {
    await check('/articles/a-7/comments', COMMENTS, async () => {
      const article = await models.Article.findOne({ where: { slug: 'a-7' } });
      const comments = await article.getComments({ include: [{ model: models.User, as: 'author', attributes: { exclude: ['email'] } }] });
      return { scope: { comments }, rows: comments };
    });
  });
});
