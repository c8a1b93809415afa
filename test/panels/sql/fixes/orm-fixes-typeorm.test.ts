import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as typeorm from 'typeorm';
import { DataSource, type Logger } from 'typeorm';
import { readTypeormSchema } from '../../../../server/panels/sql/orm/typeorm.js';
import { typeormFix } from '../../../../server/panels/sql/fixes/typeorm.js';
import type { Dialect } from '../../../../server/types.js';
import type { OrmSchema } from '../../../../server/panels/sql/orm/schema.js';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { fixInputFor, type Logged } from '../../../support/orm-fix-input.js';
import { runFix } from '../../../support/execute-fix.js';
import { Article, Comment, entities, Tag, User } from '../../../fixtures/orm-fixes/typeorm-entities.js';

/*
 * TypeORM 0.3 on PostgreSQL and MariaDB: the schema read from a real DataSource, and the fixes
 * written from it for real N+1 loops, EXECUTED against the database: a fix passes when it returns
 * the same data as the loop with fewer queries.
 */

const [pgUp, mysqlUp] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

interface Target {
  name: string;
  dialect: Dialect;
  up: boolean;
  open: (logger: Logger) => Promise<{ dataSource: DataSource; drop: () => Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'PostgreSQL', dialect: 'postgres', up: pgUp,
    async open(logger) {
      const schema = await createTestSchema('edt_typeorm');
      const dataSource = new DataSource({ type: 'postgres', url: POSTGRES_URL, schema: schema.schema, extra: { options: schema.connection.options }, entities, synchronize: true, logger });
      await dataSource.initialize();
      return { dataSource, drop: async () => { await dataSource.destroy(); await schema.drop(); } };
    },
  },
  {
    name: 'MariaDB', dialect: 'mysql', up: mysqlUp,
    async open(logger) {
      const database = await createTestDatabase('edt_typeorm');
      const { host, port, user: username, password, database: name } = database.connection;
      const dataSource = new DataSource({ type: 'mysql', host, port, username, password, database: name, entities, synchronize: true, logger });
      await dataSource.initialize();
      return { dataSource, drop: async () => { await dataSource.destroy(); await database.drop(); } };
    },
  },
];

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

interface Case {
  name: string;
  loop: (ds: DataSource) => Promise<unknown[]>;
  parentCall?: { model: string; method: string; loads?: string[] };
  call: { model: string; method: string };
  title: RegExp | ((dialect: Dialect) => RegExp);
  code: string[] | ((dialect: Dialect) => string[]);
  project: (out: Record<string, any>) => unknown[];
  ids?: unknown[];
}

const parentFind = { model: 'Article', method: 'find' };

const CASES: Case[] = [
  {
    name: 'belongs-to: the author of each article → relations: { author: true }',
    loop: async (ds) => {
      const articles = await ds.getRepository(Article).find({ order: { id: 'ASC' } });
      const out = [];
      for (const article of articles) out.push((await ds.getRepository(User).findOneBy({ id: article.authorId }))!.name);
      return out;
    },
    parentCall: parentFind, call: { model: 'User', method: 'findOneBy' },
    title: /^Load author with the Article query \(relations\)$/,
    code: ['const articles = await dataSource.getRepository(Article).find({', '  relations: { author: true },', ".leftJoinAndSelect('article.author', 'author')", 'then read article.author instead of one User findOneBy per article'],
    project: (out) => out.articles.sort(byId).map((a: Article) => a.author.name),
  },
  {
    name: 'has-many: the comments of each article → relations: { comments: true }',
    loop: async (ds) => {
      const articles = await ds.getRepository(Article).find({ order: { id: 'ASC' } });
      const out = [];
      for (const article of articles) out.push((await ds.getRepository(Comment).findBy({ articleId: article.id })).map((c) => c.id).sort());
      return out;
    },
    parentCall: parentFind, call: { model: 'Comment', method: 'findBy' },
    title: /^Load comments with the Article query \(relations\)$/,
    code: ['  relations: { comments: true },'],
    project: (out) => out.articles.sort(byId).map((a: Article) => a.comments.map((c) => c.id).sort()),
  },
  {
    name: 'many-to-many through article_tags (varying id on a joined alias) → relations: { tags: true }',
    loop: async (ds) => {
      const articles = await ds.getRepository(Article).find({ order: { id: 'ASC' } });
      const out = [];
      for (const article of articles) out.push((await ds.getRepository(Tag).find({ where: { articles: { id: article.id } } })).map((t) => t.label).sort());
      return out;
    },
    parentCall: parentFind, call: { model: 'Tag', method: 'find' },
    title: /^Load tags with the Article query \(relations\)$/,
    code: ['  relations: { tags: true },'],
    project: (out) => out.articles.sort(byId).map((a: Article) => a.tags.map((t) => t.label).sort()),
  },
  {
    name: 'per-row ORDER BY … LIMIT 1: relations with order, and it says TypeORM cannot limit per row',
    loop: async (ds) => {
      const articles = await ds.getRepository(Article).find({ order: { id: 'ASC' } });
      const out = [];
      for (const article of articles) out.push((await ds.getRepository(Comment).findOne({ where: { articleId: article.id }, order: { createdAt: 'DESC' } }))?.id ?? null);
      return out;
    },
    parentCall: parentFind, call: { model: 'Comment', method: 'findOne' },
    title: /^Load comments with the Article query \(relations\)$/,
    code: [`  order: { comments: { createdAt: 'DESC' } },`, 'TypeORM cannot LIMIT a relation per row', 'then read article.comments[0]'],
    project: (out) => out.articles.sort(byId).map((a: Article) => a.comments[0]?.id ?? null),
  },
  {
    name: 'the parent already loads the author, fetched again per row → read article.author',
    loop: async (ds) => {
      const articles = await ds.getRepository(Article).find({ order: { id: 'ASC' }, relations: { author: true } });
      const out = [];
      for (const article of articles) out.push((await ds.getRepository(User).findOneBy({ id: article.author.id }))!.name);
      return out;
    },
    parentCall: { ...parentFind, loads: ['author'] }, call: { model: 'User', method: 'findOneBy' },
    title: /^Read article\.author: the Article query already loads it$/,
    code: ['const authors = articles.map((article) => article.author);'],
    project: (out) => out.articles.sort(byId).map((a: Article) => a.author.name),
  },
  {
    name: 'no parent query: one findBy with In(ids), and it says the list was not identified',
    ids: [3, 1, 4],
    loop: async (ds) => {
      const out = [];
      for (const id of [3, 1, 4]) out.push((await ds.getRepository(User).findOneBy({ id }))!.name);
      return out;
    },
    call: { model: 'User', method: 'findOneBy' },
    title: /^Load every User in one find with In\(\) \(the list the loop went over was not identified\)$/,
    code: [`import { In } from 'typeorm';`, 'const users = await dataSource.getRepository(User).findBy({ id: In(ids) });', 'reached from Article.author, Comment.writer'],
    project: (out) => [3, 1, 4].map((id) => out.users.find((u: User) => u.id === id).name),
  },
  {
    name: 'no parent query, latest comment per article: DISTINCT ON (PostgreSQL) or every row kept first-per-key (MariaDB)',
    ids: [2, 5, 1],
    loop: async (ds) => {
      const out = [];
      for (const articleId of [2, 5, 1]) out.push((await ds.getRepository(Comment).findOne({ where: { articleId }, order: { createdAt: 'DESC' } }))?.id);
      return out;
    },
    call: { model: 'Comment', method: 'findOne' },
    title: (dialect) => (dialect === 'postgres' ? /^Load the first Comment of each articleId in one query \(DISTINCT ON\)/ : /^Load every Comment in one find with In\(\), then keep the first of each articleId/),
    code: (dialect) => (dialect === 'postgres' ? [".distinctOn(['comment.articleId'])"] : ['TypeORM has no per-row LIMIT on this database']),
    project: (out) => [2, 5, 1].map((id) => out.comments.find((c: Comment) => c.articleId === id).id),
  },
];

describe.each(TARGETS)('TypeORM on $name: schema and N+1 fixes, executed', (target) => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let orm: OrmSchema;
  const log: Logged[] = [];
  const logger: Logger = {
    logQuery: (query, parameters) => { log.push({ sql: query, params: parameters ?? [] }); },
    logQueryError: () => {}, logQuerySlow: () => {}, logSchemaBuild: () => {}, logMigration: () => {}, log: () => {},
  };

  beforeAll(async () => {
    if (!target.up) return;
    ({ dataSource, drop } = await target.open(logger));
    await seedBlog((sql, params) => dataSource.query(sql, params), {
      placeholder: (i) => (target.dialect === 'postgres' ? `$${i}` : '?'), joinTable: 'article_tags', joinColumns: ['article_id', 'tag_id'],
    });
    orm = readTypeormSchema(dataSource)!;
  });
  afterAll(async () => { await drop?.(); });

  async function logged<T>(work: () => Promise<T>): Promise<{ result: T; queries: Logged[] }> {
    const from = log.length;
    const result = await work();
    // Transactions TypeORM opens around a statement are not round trips the fix is about.
    return { result, queries: log.slice(from).filter((q) => !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q.sql)) };
  }

  it.skipIf(!target.up)('reads entities, tables and relations with their property names', () => {
    const article = orm.models.find((m) => m.name === 'Article')!;
    expect(article).toMatchObject({ table: 'articles', primaryKey: ['id'] });
    expect(article.columns).toContainEqual({ property: 'authorId', column: 'author_id' });
    expect(article.relations).toEqual([
      { name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' },
      { name: 'comments', kind: 'has-many', source: 'Article', target: 'Comment', sourceColumn: 'id', targetColumn: 'article_id' },
      { name: 'tags', kind: 'many-to-many', source: 'Article', target: 'Tag', sourceColumn: 'id', targetColumn: 'id',
        through: { table: 'article_tags', sourceColumn: 'article_id', targetColumn: 'tag_id' } },
    ]);
    expect(orm.models.map((m) => m.name).sort()).toEqual(['Article', 'Comment', 'Tag', 'User']);
    expect(orm.models.find((m) => m.name === 'Tag')!.relations[0]).toMatchObject({ name: 'articles', through: { sourceColumn: 'tag_id', targetColumn: 'article_id' } });
  });

  it.skipIf(!target.up)('is null for what is not an initialised DataSource', () => {
    expect(readTypeormSchema(null)).toBeNull();
    expect(readTypeormSchema({})).toBeNull();
    expect(readTypeormSchema(new DataSource({ type: 'postgres', entities }))).toBeNull();
  });

  it.skipIf(!target.up).each(CASES)('$name', async (c) => {
    const { result: expected, queries } = await logged(() => c.loop(dataSource));
    const parent = c.parentCall ? queries[0] : undefined;
    const loop = c.parentCall ? queries.slice(1) : queries;
    const suggestion = typeormFix(fixInputFor(loop, { library: 'typeorm', dialect: target.dialect, schema: orm, parent, parentCall: c.parentCall, call: c.call }));
    if (process.env.SHOW_FIXES) console.log(`\n## ${target.name}: ${c.name}\n${suggestion?.title}\n${suggestion?.code}`);
    expect(suggestion?.title).toMatch(typeof c.title === 'function' ? c.title(target.dialect) : c.title);
    for (const part of typeof c.code === 'function' ? c.code(target.dialect) : c.code) expect(suggestion!.code).toContain(part);

    const scope = { dataSource, Article, Comment, Tag, User, ...(c.ids ? { ids: c.ids } : {}) };
    const { result: out, queries: fixQueries } = await logged(() => runFix(suggestion!.code, scope, { typeorm }));
    expect(c.project(out)).toEqual(expected);
    expect(fixQueries.length).toBeLessThan(queries.length);
    expect(fixQueries.length).toBeLessThanOrEqual(2);
  });
});
