import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as drizzleOrm from 'drizzle-orm';
import { and, desc, eq } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { readDrizzleSchema } from '../../../../server/panels/sql/orm/drizzle.js';
import { drizzleFix } from '../../../../server/panels/sql/fixes/drizzle.js';
import type { OrmSchema } from '../../../../server/panels/sql/orm/schema.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { fixInputFor, type Logged } from '../../../support/orm-fix-input.js';
import { runFix } from '../../../support/execute-fix.js';
import * as schemaModule from '../../../fixtures/orm-fixes/drizzle-schema.js';

const { users, articles, comments, tags, articleTags } = schemaModule;

/*
 * drizzle-orm on PostgreSQL: the schema read from a real db made with its schema module, and the
 * fixes written from it for real N+1 loops, EXECUTED against the database: a fix passes when it
 * returns the same data as the loop with fewer queries.
 */

const available = await postgresAvailable();

const DDL = `
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE articles (id serial PRIMARY KEY, title text NOT NULL, author_id int NOT NULL REFERENCES users);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL, article_id int NOT NULL REFERENCES articles,
  writer_id int NOT NULL REFERENCES users, created_at timestamp NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
CREATE TABLE article_tags (article_id int NOT NULL REFERENCES articles, tag_id int NOT NULL REFERENCES tags, PRIMARY KEY (article_id, tag_id));`;

type Db = NodePgDatabase<typeof schemaModule>;
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

interface Case {
  name: string;
  loop: (db: Db) => Promise<unknown[]>;
  parentCall?: { model: string; method: string; loads?: string[] };
  call: { model: string; method: string };
  title: RegExp;
  code: string[];
  project: (out: Record<string, any>) => unknown[];
  ids?: unknown[];
}

const listArticles = (db: Db) => db.select().from(articles).orderBy(articles.id);
const parentSelect = { model: 'articles', method: 'select' };

const CASES: Case[] = [
  {
    name: 'belongs-to: the author of each article → with: { author: true }',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) out.push((await db.select().from(users).where(eq(users.id, article.authorId)))[0].name);
      return out;
    },
    parentCall: parentSelect, call: { model: 'users', method: 'select' },
    title: /^Load author with the articles query \(with\)$/,
    code: ['const articleRows = await db.query.articles.findMany({', '  with: { author: true },', 'then read article.author instead of one users query per article'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.author.name),
  },
  {
    name: 'has-many: the comments of each article → with: { comments: true }',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) out.push((await db.select().from(comments).where(eq(comments.articleId, article.id))).map((c) => c.id).sort());
      return out;
    },
    parentCall: parentSelect, call: { model: 'comments', method: 'select' },
    title: /^Load comments with the articles query \(with\)$/,
    code: ['  with: { comments: true },'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.comments.map((c: any) => c.id).sort()),
  },
  {
    name: 'many-to-many: tags joined with article_tags per article → with: { tagLinks: { with: { tag: true } } }',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) {
        const rows = await db.select({ label: tags.label }).from(tags).innerJoin(articleTags, eq(articleTags.tagId, tags.id)).where(eq(articleTags.articleId, article.id));
        out.push(rows.map((t) => t.label).sort());
      }
      return out;
    },
    parentCall: parentSelect, call: { model: 'tags', method: 'select' },
    title: /^Load tagLinks with the articles query \(with\)$/,
    code: ['  with: { tagLinks: { with: { tag: true } } },', 'then read article.tagLinks.map((link) => link.tag)'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.tagLinks.map((link: any) => link.tag.label).sort()),
  },
  {
    name: 'many-to-many read from the join table (FROM article_tags JOIN tags) → the same with',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) {
        const rows = await db.select().from(articleTags).innerJoin(tags, eq(articleTags.tagId, tags.id)).where(eq(articleTags.articleId, article.id));
        out.push(rows.map((r) => r.tags.label).sort());
      }
      return out;
    },
    parentCall: parentSelect, call: { model: 'articleTags', method: 'select' },
    title: /^Load tagLinks with the articles query \(with\)$/,
    code: ['  with: { tagLinks: { with: { tag: true } } },'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.tagLinks.map((link: any) => link.tag.label).sort()),
  },
  {
    name: 'per-row ORDER BY … LIMIT 1 (the latest comment) → with orderBy and limit: 1',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) {
        out.push((await db.select().from(comments).where(eq(comments.articleId, article.id)).orderBy(desc(comments.createdAt)).limit(1))[0]?.id ?? null);
      }
      return out;
    },
    parentCall: parentSelect, call: { model: 'comments', method: 'select' },
    title: /^Load comments with the articles query \(with\)$/,
    code: ['  with: { comments: { orderBy: (comments, { desc }) => [desc(comments.createdAt)], limit: 1 } },', 'then read article.comments[0]'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.comments[0]?.id ?? null),
  },
  {
    name: 'a per-row condition besides the key is kept in the relation\'s where',
    loop: async (db) => {
      const out = [];
      for (const article of await listArticles(db)) {
        out.push((await db.select().from(comments).where(and(eq(comments.articleId, article.id), eq(comments.writerId, 2)))).map((c) => c.id).sort());
      }
      return out;
    },
    parentCall: parentSelect, call: { model: 'comments', method: 'select' },
    title: /^Load comments with the articles query \(with\)$/,
    code: ['  with: { comments: { where: (comments, { and, eq }) => eq(comments.writerId, 2) } },'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.comments.map((c: any) => c.id).sort()),
  },
  {
    name: 'the parent already loads the author (with), fetched again per row → read article.author',
    loop: async (db) => {
      const out = [];
      const rows = await db.query.articles.findMany({ with: { author: true }, orderBy: (a, { asc }) => [asc(a.id)] });
      for (const article of rows) out.push((await db.select().from(users).where(eq(users.id, article.authorId)))[0].name);
      return out;
    },
    parentCall: { model: 'articles', method: 'findMany', loads: ['author'] }, call: { model: 'users', method: 'select' },
    title: /^Read article\.author: the articles query already loads it \(with\)$/,
    code: ['const authorList = articleRows.map((article) => article.author);'],
    project: (out) => out.articleRows.sort(byId).map((a: any) => a.author.name),
  },
  {
    name: 'no parent query: one inArray, and it says the list was not identified',
    ids: [3, 1, 4],
    loop: async (db) => {
      const out = [];
      for (const id of [3, 1, 4]) out.push((await db.select().from(users).where(eq(users.id, id)))[0].name);
      return out;
    },
    call: { model: 'users', method: 'select' },
    title: /^Load the users with one inArray\(users\.id, …\) \(the list the loop went over was not identified\)$/,
    code: [`import { inArray } from 'drizzle-orm';`, 'const userRows = await db.select().from(users).where(inArray(users.id, ids));', 'reached from articles.author, comments.writer'],
    project: (out) => [3, 1, 4].map((id) => out.userRows.find((u: any) => u.id === id).name),
  },
  {
    name: 'no parent query, latest comment per article: selectDistinctOn',
    ids: [2, 5, 1],
    loop: async (db) => {
      const out = [];
      for (const id of [2, 5, 1]) out.push((await db.select().from(comments).where(eq(comments.articleId, id)).orderBy(desc(comments.createdAt)).limit(1))[0]?.id);
      return out;
    },
    call: { model: 'comments', method: 'select' },
    title: /^Load the first comment of each articleId in one query \(selectDistinctOn\)/,
    code: ['const commentRows = await db.selectDistinctOn([comments.articleId]).from(comments)', '  .orderBy(comments.articleId, desc(comments.createdAt));'],
    project: (out) => [2, 5, 1].map((id) => out.commentRows.find((c: any) => c.articleId === id).id),
  },
  {
    name: 'no parent query, tags through the join table: the join rows with their tag',
    ids: [4, 1],
    loop: async (db) => {
      const out = [];
      for (const id of [4, 1]) {
        out.push((await db.select({ label: tags.label }).from(tags).innerJoin(articleTags, eq(articleTags.tagId, tags.id)).where(eq(articleTags.articleId, id))).map((t) => t.label).sort());
      }
      return out;
    },
    call: { model: 'tags', method: 'select' },
    title: /^Load the articleTags rows and their tag in one query \(inArray\)/,
    code: ['const articleTagRows = await db.query.articleTags.findMany({ where: inArray(articleTags.articleId, ids), with: { tag: true } });'],
    project: (out) => [4, 1].map((id) => out.articleTagRows.filter((r: any) => r.articleId === id).map((r: any) => r.tag.label).sort()),
  },
];

describe.skipIf(!available)('drizzle-orm on PostgreSQL: schema and N+1 fixes, executed', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let db: Db;
  let orm: OrmSchema;
  const log: Logged[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('edt_drizzle');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(DDL);
    await seedBlog((sql, params) => pool.query(sql, params), { placeholder: (i) => `$${i}`, joinTable: 'article_tags', joinColumns: ['article_id', 'tag_id'] });
    db = drizzle(pool, { schema: schemaModule, logger: { logQuery: (query, params) => { log.push({ sql: query, params }); } } });
    orm = readDrizzleSchema(db)!;
  });
  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  async function logged<T>(work: () => Promise<T>): Promise<{ result: T; queries: Logged[] }> {
    const from = log.length;
    const result = await work();
    return { result, queries: log.slice(from) };
  }

  it('reads tables, columns and relations with the schema module\'s names', () => {
    const model = orm.models.find((m) => m.name === 'articles')!;
    expect(model).toMatchObject({ accessor: 'db.query.articles', table: 'articles', primaryKey: ['id'] });
    expect(model.columns).toContainEqual({ property: 'authorId', column: 'author_id' });
    expect(model.relations).toEqual([
      { name: 'author', kind: 'belongs-to', source: 'articles', target: 'users', sourceColumn: 'author_id', targetColumn: 'id' },
      { name: 'comments', kind: 'has-many', source: 'articles', target: 'comments', sourceColumn: 'id', targetColumn: 'article_id' },
      { name: 'tagLinks', kind: 'has-many', source: 'articles', target: 'articleTags', sourceColumn: 'id', targetColumn: 'article_id' },
    ]);
    expect(orm.models.find((m) => m.name === 'articleTags')).toMatchObject({ table: 'article_tags', primaryKey: ['article_id', 'tag_id'] });
  });

  it('is null for a db made without a schema, and for what is not a drizzle db', () => {
    expect(readDrizzleSchema(drizzle(pool))).toBeNull();
    expect(readDrizzleSchema(pool)).toBeNull();
    expect(readDrizzleSchema(null)).toBeNull();
  });

  it.each(CASES)('$name', async (c) => {
    const { result: expected, queries } = await logged(() => c.loop(db));
    const parent = c.parentCall ? queries[0] : undefined;
    const loop = c.parentCall ? queries.slice(1) : queries;
    const suggestion = drizzleFix(fixInputFor(loop, { library: 'drizzle-orm', dialect: 'postgres', schema: orm, parent, parentCall: c.parentCall, call: c.call }));
    if (process.env.SHOW_FIXES) console.log(`\n## ${c.name}\n${suggestion?.title}\n${suggestion?.code}`);
    expect(suggestion?.title).toMatch(c.title);
    for (const part of c.code) expect(suggestion!.code).toContain(part);

    const scope = { db, ...schemaModule, ...(c.ids ? { ids: c.ids } : {}) };
    const { result: out, queries: fixQueries } = await logged(() => runFix(suggestion!.code, scope, { 'drizzle-orm': drizzleOrm }));
    expect(c.project(out)).toEqual(expected);
    expect(fixQueries.length).toBeLessThan(queries.length);
    expect(fixQueries.length).toBeLessThanOrEqual(2);
  });
});
