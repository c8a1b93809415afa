import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { fileURLToPath } from 'node:url';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { seedBlog } from '../../../support/blog-seed.js';
import { getRecorded, onlyNPlusOne, runFixInApp, startApp, type RunningApp } from '../../../support/orm-app.js';
import { entities } from '../../../fixtures/orm-fixes/typeorm-entities.js';

/*
 * TypeORM 0.3 in a real Express app with the toolbar, `instrument: { pg | mysql2, typeorm }`, on
 * PostgreSQL and MariaDB: every N+1 route is found on the user's own line, and the fix the API
 * suggests is EXECUTED in the app with its DataSource and entities: it must return the route's
 * data with fewer queries and no N+1 left.
 */

const APP = fileURLToPath(new URL('../../../fixtures/orm-fixes/typeorm-app.ts', import.meta.url));
const [pgUp, mysqlUp] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

interface Target {
  name: string;
  type: 'postgres' | 'mysql';
  up: boolean;
  /** A database of the test's own, its tables made by TypeORM from the entities, and the app's connection options. */
  create: () => Promise<{ connection: object; drop: () => Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'PostgreSQL', type: 'postgres', up: pgUp,
    async create() {
      const schema = await createTestSchema('edt_typeorm_app');
      return { connection: { url: POSTGRES_URL, schema: schema.schema, extra: { options: schema.connection.options } }, drop: schema.drop };
    },
  },
  {
    name: 'MariaDB', type: 'mysql', up: mysqlUp,
    async create() {
      const database = await createTestDatabase('edt_typeorm_app');
      const { host, port, user: username, password, database: name } = database.connection;
      return { connection: { host, port, username, password, database: name }, drop: database.drop };
    },
  },
];

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

const ROUTES = [
  { path: '/authors', line: 'AUTHORS-LOOP', title: /^Load author with the Article query \(relations\)$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.author.name) },
  { path: '/comments', line: 'COMMENTS-LOOP', title: /^Load comments with the Article query \(relations\)$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.comments.map((c: any) => c.id).sort((x: number, y: number) => x - y)) },
  { path: '/tags', line: 'TAGS-LOOP', title: /^Load tags with the Article query \(relations\)$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.tags.map((t: any) => t.label).sort()) },
  { path: '/latest', line: 'LATEST-LOOP', title: /^Load comments with the Article query \(relations\)$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.comments[0]?.id ?? null) },
  { path: '/loaded', line: 'LOADED-LOOP', title: /^Read article\.author: the Article query already loads it$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.author.name) },
  { path: '/helper', line: 'HELPER', caller: 'HELPER-LOOP', title: /^Load writer with the Comment query \(relations\)$/,
    project: (out: any) => out.comments.filter((c: any) => c.articleId <= 2).sort(byId).map((c: any) => c.writer.name) },
  { path: '/pending', line: 'PENDING-LOOP', title: /^Load author with the Article query \(relations\)$/,
    project: (out: any) => out.articles.sort(byId).map((a: any) => a.author.name) },
];

describe.each(TARGETS)('TypeORM app on $name: call sites and executed fixes', (target) => {
  let drop: () => Promise<void>;
  let app: RunningApp;
  let bare: RunningApp;

  beforeAll(async () => {
    if (!target.up) return;
    const created = await target.create();
    drop = created.drop;
    const setup = new DataSource({ type: target.type, ...created.connection, entities, synchronize: true } as any);
    await setup.initialize();
    await seedBlog((sql, params) => setup.query(sql, params), {
      placeholder: (i) => (target.type === 'postgres' ? `$${i}` : '?'), joinTable: 'article_tags', joinColumns: ['article_id', 'tag_id'],
    });
    await setup.destroy();
    const env = { EDT_TYPEORM_TYPE: target.type, EDT_CONNECTION: JSON.stringify(created.connection) };
    [app, bare] = await Promise.all([startApp(APP, env), startApp(APP, { ...env, EDT_WITHOUT_ORM: '1' })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([app?.stop(), bare?.stop()]);
    await drop?.();
  });

  it.skipIf(!target.up)('without the DataSource in `instrument`, queries started in a loop and awaited later lose their call site', async () => {
    const { detail } = await getRecorded(bare, '/pending');
    const lookups = detail.panels.sql!.queries.filter((q) => /FROM \S*[`"]users[`"]/.test(q.sql));
    expect(lookups).toHaveLength(6);
    // The first ones start while the pool has a free connection; the others wait for one, and
    // start from another query's completion, with no frame of the app's on the stack.
    expect(lookups.filter((q) => q.callSite === null).length).toBeGreaterThan(0);
  });

  it.skipIf(!target.up).each(ROUTES)('$path: found on the loop\'s line, and its fix runs: same data, fewer queries', async (route) => {
    const { data, detail } = await getRecorded(app, route.path);
    const statements = detail.panels.sql!.queries.filter((q) => !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q.sql));
    expect(statements.map((q) => q.callSite?.file)).toEqual(statements.map(() => APP));
    const group = onlyNPlusOne(detail);
    expect(group.callSite).toMatchObject({ file: APP, line: app.lineOf(route.line) });
    if (route.caller) expect(group.stack[1]).toMatchObject({ file: APP, line: app.lineOf(route.caller) });
    expect(group.suggestion?.orm).toBe('typeorm');
    expect(group.suggestion?.title).toMatch(route.title);

    const { out, detail: fixed } = await runFixInApp(app, group.suggestion!.code);
    expect(route.project(out)).toEqual(data);
    expect(fixed.queryCount).toBeLessThan(detail.queryCount);
    expect(fixed.panels.sql!.nPlusOne).toEqual([]);
  });

  it.skipIf(!target.up)('a save with four new tags (cascade) is one call of the app\'s, not an N+1', async () => {
    const { detail } = await getRecorded(app, '/cascade');
    const saved = detail.panels.sql!.queries.filter((q) => q.callSite?.line === app.lineOf('CASCADE') && !/^(START|BEGIN|COMMIT)/i.test(q.sql));
    expect(saved.length).toBeGreaterThanOrEqual(3);
    expect(new Set(saved.map((q) => q.ormCall?.id)).size).toBe(1);
    expect(detail.panels.sql!.nPlusOne).toEqual([]);
  });
});
