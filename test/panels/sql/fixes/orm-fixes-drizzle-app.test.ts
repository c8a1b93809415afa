import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../../support/postgres.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { getRecorded, onlyNPlusOne, runFixInApp, startApp, type RunningApp } from '../../../support/orm-app.js';

/*
 * drizzle-orm in a real Express app with the toolbar, `instrument: { pg, drizzle: db }`: every
 * N+1 route is found on the user's own line from the very first request, and the fix the API
 * suggests is EXECUTED in the app with its db and schema module: it must return the route's data
 * with fewer queries and no N+1 left.
 */

const APP = fileURLToPath(new URL('../../../fixtures/orm-fixes/drizzle-app.ts', import.meta.url));
const available = await postgresAvailable();

const DDL = `
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE articles (id serial PRIMARY KEY, title text NOT NULL, author_id int NOT NULL REFERENCES users);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL, article_id int NOT NULL REFERENCES articles,
  writer_id int NOT NULL REFERENCES users, created_at timestamp NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
CREATE TABLE article_tags (article_id int NOT NULL REFERENCES articles, tag_id int NOT NULL REFERENCES tags, PRIMARY KEY (article_id, tag_id));`;

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
const sortedIds = (rows: any[]) => rows.map((c) => c.id).sort((x: number, y: number) => x - y);

const ROUTES = [
  { path: '/authors', line: 'AUTHORS-LOOP', title: /^Load author with the articles query \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => a.author.name) },
  { path: '/comments', line: 'COMMENTS-LOOP', title: /^Load comments with the articles query \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => sortedIds(a.comments)) },
  { path: '/tags', line: 'TAGS-LOOP', title: /^Load tagLinks with the articles query \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => a.tagLinks.map((link: any) => link.tag.label).sort()) },
  { path: '/latest', line: 'LATEST-LOOP', title: /^Load comments with the articles query \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => a.comments[0]?.id ?? null) },
  { path: '/by-writer', line: 'BY-WRITER-LOOP', title: /^Load comments with the articles query \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => sortedIds(a.comments)) },
  { path: '/loaded', line: 'LOADED-LOOP', title: /^Read article\.author: the articles query already loads it \(with\)$/,
    project: (out: any) => out.articleRows.sort(byId).map((a: any) => a.author.name) },
  { path: '/helper', line: 'HELPER', caller: 'HELPER-LOOP', title: /^Load writer with the comments query \(with\)$/,
    project: (out: any) => out.commentRows.filter((c: any) => c.articleId <= 2).sort(byId).map((c: any) => c.writer.name) },
  { path: '/by-ids?ids=3,1,4', line: 'BY-IDS-LOOP', ids: [3, 1, 4], title: /^Load the users with one inArray\(users\.id, …\) \(the list the loop went over was not identified\)$/,
    project: (out: any) => [3, 1, 4].map((id) => out.userRows.find((u: any) => u.id === id).name) },
];

describe.skipIf(!available)('drizzle-orm app: call sites and executed fixes', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let app: RunningApp;
  let bare: RunningApp;

  beforeAll(async () => {
    schema = await createTestSchema('edt_drizzle_app');
    const setup = new pg.Client(schema.connection);
    await setup.connect();
    await setup.query(DDL);
    await seedBlog((sql, params) => setup.query(sql, params), { placeholder: (i) => `$${i}`, joinTable: 'article_tags', joinColumns: ['article_id', 'tag_id'] });
    await setup.end();
    const env = { EDT_DATABASE_URL: POSTGRES_URL, EDT_PG_OPTIONS: schema.connection.options };
    [app, bare] = await Promise.all([startApp(APP, env), startApp(APP, { ...env, EDT_WITHOUT_ORM: '1' })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([app?.stop(), bare?.stop()]);
    await schema?.drop();
  });

  it('without the db in `instrument`, only the first drizzle query has no call site: it teaches the toolbar the builder', async () => {
    const { detail } = await getRecorded(bare, '/authors');
    expect(detail.panels.sql!.queries.length).toBe(7);
    // Its stack, with no user frame, is read as it is captured (it was read at the response's end,
    // and the whole first request went without call sites).
    expect(detail.panels.sql!.queries[0].callSite).toBeNull();
    expect(detail.panels.sql!.queries.slice(1).map((q) => q.callSite?.line)).toEqual(Array(6).fill(bare.lineOf('AUTHORS-LOOP')));
  });

  it.each(ROUTES)('$path: found on the loop\'s line, and its fix runs: same data, fewer queries', async (route) => {
    const { data, detail } = await getRecorded(app, route.path);
    expect(detail.panels.sql!.queries.map((q) => q.callSite?.file)).toEqual(detail.panels.sql!.queries.map(() => APP));
    const group = onlyNPlusOne(detail);
    expect(group.callSite).toMatchObject({ file: APP, line: app.lineOf(route.line) });
    if (route.caller) expect(group.stack[1]).toMatchObject({ file: APP, line: app.lineOf(route.caller) });
    expect(group.suggestion?.orm).toBe('drizzle-orm');
    expect(group.suggestion?.title).toMatch(route.title);

    const { out, detail: fixed } = await runFixInApp(app, group.suggestion!.code, route.ids);
    expect(route.project(out)).toEqual(data);
    expect(fixed.queryCount).toBeLessThan(detail.queryCount);
    expect(fixed.panels.sql!.nPlusOne).toEqual([]);
  });
});
