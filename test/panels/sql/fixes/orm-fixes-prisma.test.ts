import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { readPrismaSchema } from '../../../../server/panels/sql/orm/prisma.js';
import { prismaFix } from '../../../../server/panels/sql/fixes/prisma.js';
import type { OrmSchema } from '../../../../server/panels/sql/orm/schema.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { generatePrismaClient, PRISMA_MIGRATION } from '../../../support/prisma.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { fixInputFor, type Logged } from '../../../support/orm-fix-input.js';
import { runFix } from '../../../support/execute-fix.js';

/*
 * Prisma 7 (driver adapter over pg): the schema read from a real generated PrismaClient, and the
 * fixes written from it for real N+1 loops, EXECUTED against the database: a fix passes when it
 * returns the same data as the loop with fewer queries.
 */

const available = await postgresAvailable();

describe.skipIf(!available)('Prisma 7: schema and N+1 fixes, executed', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let generated: Awaited<ReturnType<typeof generatePrismaClient>>;
  let pool: pg.Pool;
  let prisma: any;
  let orm: OrmSchema;
  const log: Logged[] = [];

  beforeAll(async () => {
    [schema, generated] = await Promise.all([createTestSchema('edt_prisma'), generatePrismaClient()]);
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(PRISMA_MIGRATION);
    await seedBlog((sql, params) => pool.query(sql, params), { placeholder: (i) => `$${i}`, joinTable: '"_ArticleToTag"', joinColumns: ['"A"', '"B"'] });
    const { PrismaClient } = await import(generated.url);
    prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema: schema.schema }), log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', (event: { query: string; params: string }) => log.push({ sql: event.query, params: JSON.parse(event.params) }));
    orm = readPrismaSchema(prisma)!;
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await schema?.drop();
    generated?.remove();
  });

  /** The statements `work` ran, through Prisma's own query log. */
  async function logged<T>(work: () => Promise<T>): Promise<{ result: T; queries: Logged[] }> {
    const from = log.length;
    const result = await work();
    return { result, queries: log.slice(from) };
  }

  it('reads models, tables and relations with their Prisma names', () => {
    const article = orm.models.find((m) => m.name === 'Article')!;
    expect(article).toMatchObject({ accessor: 'prisma.article', table: 'articles', primaryKey: ['id'] });
    expect(article.columns).toContainEqual({ property: 'authorId', column: 'author_id' });
    expect(article.relations).toEqual([
      { name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' },
      { name: 'comments', kind: 'has-many', source: 'Article', target: 'Comment', sourceColumn: 'id', targetColumn: 'article_id' },
      { name: 'tags', kind: 'many-to-many', source: 'Article', target: 'Tag', sourceColumn: 'id', targetColumn: 'id',
        through: { table: '_ArticleToTag', sourceColumn: 'A', targetColumn: 'B' } },
    ]);
    expect(orm.models.find((m) => m.name === 'Comment')!.relations.map((r) => r.name)).toEqual(['article', 'writer']);
    expect(orm.models.find((m) => m.name === 'Tag')!.relations[0]).toMatchObject({ name: 'articles', through: { sourceColumn: 'B', targetColumn: 'A' } });
  });

  it.each([null, undefined, {}, { _runtimeDataModel: {} }, pg])('is null for what is not a PrismaClient: %#', (value) => {
    expect(readPrismaSchema(value)).toBeNull();
  });

  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

  interface Case {
    name: string;
    /** The route's work: the parent query (unless `parentless`), then a query per row. */
    loop: (prisma: any) => Promise<unknown[]>;
    parentCall?: { model: string; method: string; loads?: string[] };
    call: { model: string; method: string };
    title: RegExp;
    code: string[];
    /** The fix's result, shaped like the loop's. */
    project: (out: Record<string, any>) => unknown[];
    /** For loops whose list does not come from a query: the ids they looked up. */
    ids?: unknown[];
  }

  const CASES: Case[] = [
    {
      name: 'belongs-to: the author of each article → include: { author: true }',
      loop: async (p) => {
        const articles = await p.article.findMany({ orderBy: { id: 'asc' } });
        const out = [];
        for (const article of articles) out.push((await p.user.findUnique({ where: { id: article.authorId } })).name);
        return out;
      },
      parentCall: { model: 'Article', method: 'findMany' },
      call: { model: 'User', method: 'findUnique' },
      title: /^Include author in the prisma\.article\.findMany query$/,
      code: ['const articles = await prisma.article.findMany({', '  include: { author: true },', 'then read article.author instead of one prisma.user.findUnique per article'],
      project: (out) => out.articles.sort(byId).map((a: any) => a.author.name),
    },
    {
      name: 'has-many: the comments of each article → include: { comments: true }',
      loop: async (p) => {
        const articles = await p.article.findMany({ orderBy: { id: 'asc' } });
        const out = [];
        for (const article of articles) out.push((await p.comment.findMany({ where: { articleId: article.id } })).map((c: any) => c.id).sort());
        return out;
      },
      parentCall: { model: 'Article', method: 'findMany' },
      call: { model: 'Comment', method: 'findMany' },
      title: /^Include comments in the prisma\.article\.findMany query$/,
      code: ['  include: { comments: true },', 'then read article.comments instead'],
      project: (out) => out.articles.sort(byId).map((a: any) => a.comments.map((c: any) => c.id).sort()),
    },
    {
      name: 'many-to-many through _ArticleToTag (varying id inside EXISTS) → include: { tags: true }',
      loop: async (p) => {
        const articles = await p.article.findMany({ orderBy: { id: 'asc' } });
        const out = [];
        for (const article of articles) out.push((await p.tag.findMany({ where: { articles: { some: { id: article.id } } } })).map((t: any) => t.label).sort());
        return out;
      },
      parentCall: { model: 'Article', method: 'findMany' },
      call: { model: 'Tag', method: 'findMany' },
      title: /^Include tags in the prisma\.article\.findMany query$/,
      code: ['  include: { tags: true },'],
      project: (out) => out.articles.sort(byId).map((a: any) => a.tags.map((t: any) => t.label).sort()),
    },
    {
      name: 'per-row ORDER BY … LIMIT 1 (the latest comment) → include with orderBy and take: 1',
      loop: async (p) => {
        const articles = await p.article.findMany({ orderBy: { id: 'asc' } });
        const out = [];
        for (const article of articles) out.push((await p.comment.findFirst({ where: { articleId: article.id }, orderBy: { createdAt: 'desc' } }))?.id ?? null);
        return out;
      },
      parentCall: { model: 'Article', method: 'findMany' },
      call: { model: 'Comment', method: 'findFirst' },
      title: /^Include comments in the prisma\.article\.findMany query$/,
      code: [`  include: { comments: { orderBy: { createdAt: 'desc' }, take: 1 } },`, 'then read article.comments[0]'],
      project: (out) => out.articles.sort(byId).map((a: any) => a.comments[0]?.id ?? null),
    },
    {
      name: 'the parent already includes the author, fetched again per row → read article.author',
      loop: async (p) => {
        const articles = await p.article.findMany({ orderBy: { id: 'asc' }, include: { author: true } });
        const out = [];
        for (const article of articles) out.push((await p.user.findUnique({ where: { id: article.authorId } })).name);
        return out;
      },
      parentCall: { model: 'Article', method: 'findMany', loads: ['author'] },
      call: { model: 'User', method: 'findUnique' },
      title: /^Read article\.author: the Article query already includes it$/,
      code: ['already includes author', 'const authors = articles.map((article) => article.author);'],
      project: (out) => out.articles.sort(byId).map((a: any) => a.author.name),
    },
    {
      name: 'no parent query (ids from elsewhere): one findMany with in, and it says the list was not identified',
      ids: [3, 1, 4],
      loop: async (p) => {
        const out = [];
        for (const id of [3, 1, 4]) out.push((await p.user.findUnique({ where: { id } })).name);
        return out;
      },
      call: { model: 'User', method: 'findUnique' },
      title: /^Load every User in one findMany with in \(the list the loop went over was not identified\)$/,
      code: ['const users = await prisma.user.findMany({ where: { id: { in: ids } } });', 'reached from Article.author, Comment.writer'],
      project: (out) => [3, 1, 4].map((id) => out.users.find((u: any) => u.id === id).name),
    },
    {
      name: 'no parent query, latest comment per article: findMany with in, orderBy and distinct',
      ids: [2, 5, 1],
      loop: async (p) => {
        const out = [];
        for (const articleId of [2, 5, 1]) out.push((await p.comment.findFirst({ where: { articleId }, orderBy: { createdAt: 'desc' } }))?.id);
        return out;
      },
      call: { model: 'Comment', method: 'findFirst' },
      title: /^Load every Comment in one findMany with in/,
      code: [`const comments = await prisma.comment.findMany({ where: { articleId: { in: ids } }, orderBy: { createdAt: 'desc' }, distinct: ['articleId'] });`],
      project: (out) => [2, 5, 1].map((id) => out.comments.find((c: any) => c.articleId === id).id),
    },
  ];

  it.each(CASES)('$name', async (c) => {
    const { result: expected, queries } = await logged(() => c.loop(prisma));
    const parent = c.parentCall ? queries[0] : undefined;
    const loop = c.parentCall ? queries.slice(1) : queries;
    // An include runs its own second query right after the parent's.
    const repeated = c.parentCall?.loads ? loop.slice(c.parentCall.loads.length) : loop;
    const suggestion = prismaFix(fixInputFor(repeated, { library: 'prisma', dialect: 'postgres', schema: orm, parent, parentCall: c.parentCall, call: c.call }));
    if (process.env.SHOW_FIXES) console.log(`\n## ${c.name}\n${suggestion?.title}\n${suggestion?.code}`);
    expect(suggestion?.title).toMatch(c.title);
    for (const part of c.code) expect(suggestion!.code).toContain(part);

    const { result: out, queries: fixQueries } = await logged(() => runFix(suggestion!.code, { prisma, ...(c.ids ? { ids: c.ids } : {}) }));
    expect(c.project(out)).toEqual(expected);
    expect(fixQueries.length).toBeLessThan(queries.length);
    expect(fixQueries.length).toBeLessThanOrEqual(3);
  });
});
