import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../../support/postgres.js';
import { generatePrismaClient, PRISMA_MIGRATION } from '../../../support/prisma.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { getRecorded, onlyNPlusOne, runFixInApp, startApp, type RunningApp } from '../../../support/orm-app.js';

/*
 * Prisma 7 in a real Express app with the toolbar, `instrument: { pg, prisma }`: every N+1 route
 * is found on the user's own line (Prisma's batching leaves no user frame at the driver: the
 * client's calls are captured), and the fix the API suggests is EXECUTED in the app, with the
 * app's PrismaClient: it must return the route's data with fewer queries and no N+1 left.
 */

const APP = fileURLToPath(new URL('../../../fixtures/orm-fixes/prisma-app.ts', import.meta.url));
const available = await postgresAvailable();

interface Route {
  path: string;
  /** The marker of the line the N+1 is reported on, and of the loop calling it when that is another line. */
  line: string;
  caller?: string;
  title: RegExp;
  /** The fix's constants, shaped like the route's JSON. */
  project: (out: Record<string, any>) => unknown;
  ids?: unknown[];
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

const ROUTES: Route[] = [
  { path: '/authors', line: 'AUTHORS-LOOP', title: /^Include author in the prisma\.article\.findMany query$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.author.name) },
  { path: '/comments', line: 'COMMENTS-LOOP', title: /^Include comments in the prisma\.article\.findMany query$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.comments.map((c: any) => c.id).sort((x: number, y: number) => x - y)) },
  { path: '/tags', line: 'TAGS-LOOP', title: /^Include tags in the prisma\.article\.findMany query$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.tags.map((t: any) => t.label).sort()) },
  { path: '/latest', line: 'LATEST-LOOP', title: /^Include comments in the prisma\.article\.findMany query$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.comments[0]?.id ?? null) },
  { path: '/loaded', line: 'LOADED-LOOP', title: /^Read article\.author: the Article query already includes it$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.author.name) },
  { path: '/helper', line: 'HELPER', caller: 'HELPER-LOOP', title: /^Include writer in the prisma\.comment\.findMany query$/,
    project: (out) => out.comments.filter((c: any) => c.articleId <= 2).sort(byId).map((c: any) => c.writer.name) },
  { path: '/in-transaction', line: 'TX-LOOP', title: /^Include author in the prisma\.article\.findMany query$/,
    project: (out) => out.articles.sort(byId).map((a: any) => a.author.name) },
  { path: '/by-ids?ids=3,1,4', line: 'BY-IDS-LOOP', ids: [3, 1, 4], title: /^Load every User in one findMany with in \(the list the loop went over was not identified\)$/,
    project: (out) => [3, 1, 4].map((id) => out.users.find((u: any) => u.id === id).name) },
];

describe.skipIf(!available)('Prisma 7 app: call sites and executed fixes', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let generated: Awaited<ReturnType<typeof generatePrismaClient>>;
  let app: RunningApp;
  let bare: RunningApp;

  beforeAll(async () => {
    [schema, generated] = await Promise.all([createTestSchema('edt_prisma_app'), generatePrismaClient()]);
    const setup = new pg.Client(schema.connection);
    await setup.connect();
    await setup.query(PRISMA_MIGRATION);
    await seedBlog((sql, params) => setup.query(sql, params), { placeholder: (i) => `$${i}`, joinTable: '"_ArticleToTag"', joinColumns: ['"A"', '"B"'] });
    await setup.end();
    const env = { EDT_DATABASE_URL: POSTGRES_URL, EDT_PG_OPTIONS: schema.connection.options, EDT_PG_SCHEMA: schema.schema, EDT_PRISMA_CLIENT: generated.url };
    [app, bare] = await Promise.all([startApp(APP, env), startApp(APP, { ...env, EDT_WITHOUT_ORM: '1' })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([app?.stop(), bare?.stop()]);
    await schema?.drop();
    generated?.remove();
  });

  it('without the client in `instrument`, Prisma\'s findUnique loop has no call site (what the hook is for)', async () => {
    const { detail } = await getRecorded(bare, '/authors');
    const lookups = detail.panels.sql!.queries.filter((q) => q.sql.includes('"users"'));
    expect(lookups).toHaveLength(6);
    expect(lookups.every((q) => q.callSite === null)).toBe(true);
  });

  it.each(ROUTES)('$path: found on the loop\'s line, and its fix runs: same data, fewer queries', async (route) => {
    const { data, detail } = await getRecorded(app, route.path);
    // Every query of the route, parent included, has its call site in the app.
    expect(detail.panels.sql!.queries.map((q) => q.callSite?.file)).toEqual(detail.panels.sql!.queries.map(() => APP));
    // Inside an interactive transaction too; BEGIN and COMMIT are Prisma's, of no model call.
    expect(detail.panels.sql!.queries.filter((q) => !/^(BEGIN|COMMIT)$/.test(q.sql)).every((q) => q.ormCall?.orm === 'prisma')).toBe(true);
    const group = onlyNPlusOne(detail);
    expect(group.callSite).toMatchObject({ file: APP, line: app.lineOf(route.line) });
    if (route.caller) expect(group.stack[1]).toMatchObject({ file: APP, line: app.lineOf(route.caller) });
    expect(group.suggestion?.orm).toBe('prisma');
    expect(group.suggestion?.title).toMatch(route.title);

    const { out, detail: fixed } = await runFixInApp(app, group.suggestion!.code, route.ids);
    expect(route.project(out)).toEqual(data);
    expect(fixed.queryCount).toBeLessThan(detail.queryCount);
    expect(fixed.panels.sql!.nPlusOne).toEqual([]);
  });

  it('a nested write (connectOrCreate of four tags) is one call of the app\'s, not an N+1', async () => {
    const { detail } = await getRecorded(app, '/nested-write');
    const tagLookups = detail.panels.sql!.queries.filter((q) => /FROM "[^"]+"\."tags"/.test(q.sql));
    expect(tagLookups).toHaveLength(4);
    expect(new Set(tagLookups.map((q) => q.ormCall?.id)).size).toBe(1);
    expect(tagLookups[0].callSite).toMatchObject({ file: APP, line: app.lineOf('NESTED-WRITE') });
    expect(detail.panels.sql!.nPlusOne).toEqual([]);
  });
});
