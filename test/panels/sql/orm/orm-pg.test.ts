import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NPlusOneGroup, RequestDetail } from '../../../../server/types.js';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../../support/postgres.js';
import { fetchRecorded } from '../../../support/http.js';

/*
 * N+1s through real ORMs on PostgreSQL, each from a real Express route: exactly one group, the
 * right count, the call site on the marked line of the app, the right library, and a fix that
 * names the real tables and columns. The app runs in a child process under tsx, as a user's
 * would (see the fixture's header for why not in vitest's own process).
 */

const APP = fileURLToPath(new URL('../../../fixtures/orm-pg/app.ts', import.meta.url));
const SOURCE = readFileSync(APP, 'utf8').split('\n');
/** The line holding `marker` in a comment: the app's code is the truth, not a number in the test. */
const lineOf = (marker: string) => SOURCE.findIndex((line) => line.includes(`// ${marker}`)) + 1;

const available = await postgresAvailable();

/** Starts the fixture app; resolves with its base URL once it listens. */
function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', APP], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, url: JSON.parse(line).url }));
    child.once('exit', (code) => reject(new Error(`fixture app exited (${code}): ${stderr}`)));
  });
}

describe.skipIf(!available)('N+1 through ORMs on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    schema = await createTestSchema('edt_orm');
    const setup = new pg.Client(schema.connection);
    await setup.connect();
    await setup.query(`CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL)`);
    await setup.query(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int REFERENCES authors, title text)`);
    await setup.query(`CREATE TABLE tags (id serial PRIMARY KEY, name text)`);
    await setup.query(`INSERT INTO authors (name) SELECT 'author ' || i FROM generate_series(1, 5) i`);
    await setup.query(`INSERT INTO posts (author_id, title) SELECT 1 + i % 5, 'post ' || i FROM generate_series(1, 6) i`);
    await setup.query(`INSERT INTO tags (name) VALUES ('a'), ('b')`);
    await setup.end();
    app = await startApp({ EDT_DATABASE_URL: POSTGRES_URL, EDT_PG_OPTIONS: schema.connection.options });
  });

  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      const exited = new Promise((resolve) => app.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }
    await schema?.drop();
  });

  async function onlyGroup(path: string): Promise<{ group: NPlusOneGroup; detail: RequestDetail }> {
    const { detail } = await fetchRecorded(app.url, path);
    expect(detail.panels.sql!.nPlusOne, JSON.stringify(detail.panels.sql!.queries.map((q) => [q.sql, q.callSite?.line]))).toHaveLength(1);
    return { group: detail.panels.sql!.nPlusOne[0], detail };
  }

  /** The call site is on the marked line, and so is the user frame at `stackIndex` (after helpers). */
  function expectCallSite(group: NPlusOneGroup, marker: string, stackIndex = 0) {
    expect(group.callSite).toMatchObject({ file: APP, line: lineOf(marker) });
    expect(group.stack[stackIndex]).toMatchObject({ file: APP, line: lineOf(marker) });
    expect(group.editorUrl).toBe(`vscode://file${APP}:${lineOf(marker)}:${group.callSite!.column}`);
  }

  it('raw pg in a loop: one group, the loop line, = ANY($1) over the posts', async () => {
    const { group, detail } = await onlyGroup('/pg-loop');
    expect(group.count).toBe(6);
    expect(group.queryIds).toEqual([2, 3, 4, 5, 6, 7]);
    expectCallSite(group, 'PG-LOOP');
    expect(group.parentQueryId).toBe(1);
    expect(group.concurrent).toBe(false);
    expect(group.suggestion?.orm).toBe('pg');
    expect(group.suggestion?.code).toContain('const ids = [...new Set(posts.map((post) => post.author_id))];\n'
      + `const { rows: authors } = await pool.query(\n  'SELECT id, name FROM authors WHERE id = ANY($1)',\n  [ids],\n);`);
    expect(group.suggestion?.reason).toMatch(/^6 queries of one shape ran from test\/fixtures\/orm-pg\/app\.ts:\d+, one per row; one query instead saves 5 round trips/);
    // Posts 1 and 6 share an author: a duplicate inside the loop, folded into the N+1 (issue 18).
    expect(detail.panels.sql!.duplicates).toEqual([]);
    expect(group.loop).toEqual({ file: APP, line: lineOf('PG-LOOP'), function: null }); // an anonymous handler
  });

  it('raw pg through an app-wide db.query helper: the call site is the loop, the helper stays in the stack', async () => {
    const { group } = await onlyGroup('/pg-helper');
    expect(group.count).toBe(6);
    expectCallSite(group, 'PG-HELPER-LOOP', 1);
    expect(group.stack[0]).toMatchObject({ file: APP, line: lineOf('DB-HELPER') });
    expect(group.suggestion?.reason).toMatch(/ran from test\/fixtures\/orm-pg\/app\.ts:\d+, one per row/);
  });

  it('raw pg with Promise.all: the same group, flagged concurrent, one call site for all', async () => {
    const { group } = await onlyGroup('/pg-concurrent');
    expect(group.count).toBe(6);
    expect(group.concurrent).toBe(true);
    expectCallSite(group, 'PG-ALL');
    expect(group.suggestion?.code).toContain('WHERE id = ANY($1)');
  });

  it('knex: whereIn on authors', async () => {
    const { group } = await onlyGroup('/knex-loop');
    expect(group.count).toBe(6);
    expect(group.sql).toBe('select * from "authors" where "id" = $1 limit $2');
    expectCallSite(group, 'KNEX-LOOP');
    expect(group.suggestion?.orm).toBe('knex');
    expect(group.suggestion?.code).toContain(`const authors = await knex('authors')\n  .whereIn('id', ids);`);
  });

  it.each([
    ['/sequelize-loop', 'SEQUELIZE-LOOP', false],
    ['/sequelize-concurrent', 'SEQUELIZE-ALL', true],
  ])('sequelize %s: lazy getAuthor() per post, one Author.findAll (the app passes no Sequelize instance, so no association is named)', async (path, marker, concurrent) => {
    const { group, detail } = await onlyGroup(path);
    expect(group.count).toBe(6);
    expect(group.sql).toMatch(/FROM "authors" AS "Author" WHERE "Author"."id" = \d+/);
    expectCallSite(group, marker);
    // sequelize opens its pool's connections one by one: the queries need not overlap in time.
    if (!concurrent) expect(group.concurrent).toBe(false);
    expect(group.parentQueryId).toBe(detail.panels.sql!.queries.find((q) => q.sql.includes('FROM "posts"'))!.id);
    expect(group.suggestion?.orm).toBe('sequelize');
    expect(group.suggestion?.code).toContain('const authors = await Author.findAll({ where: { id: ids } });');
    expect(group.suggestion?.reason).toMatch(/Pass your Sequelize instance too/);
  });

  it('drizzle-orm without its db in `instrument`: the SQL-level fix, = ANY($1) on authors', async () => {
    // `await builder` leaves no user frame on the stack; the first drizzle query of the process
    // teaches the toolbar to follow drizzle's awaits (server/stack/await-frames.ts), which loads
    // asynchronously: from then on every query has its call site.
    await fetchRecorded(app.url, '/drizzle-loop');
    const { group } = await onlyGroup('/drizzle-loop');
    expect(group.count).toBe(6);
    expectCallSite(group, 'DRIZZLE-LOOP');
    // The names drizzle code would use (the table variable, relations) are only known from the db
    // made with its schema (test/panels/sql/fixes/orm-fixes-drizzle*.test.ts).
    expect(group.suggestion?.orm).toBe('pg');
    expect(group.suggestion?.code).toContain('"authors"."id" = ANY($1)');
  });

  it('a loop over different tables is no N+1', async () => {
    const { detail } = await fetchRecorded(app.url, '/different-tables');
    expect(detail.panels.sql!.queries).toHaveLength(3);
    expect(detail.panels.sql!.nPlusOne).toEqual([]);
  });

  it('the same query with the same params is a duplicate to reuse, never an N+1', async () => {
    const { detail } = await fetchRecorded(app.url, '/same-twice');
    expect(detail.panels.sql!.nPlusOne).toEqual([]);
    expect(detail.panels.sql!.duplicates.map((d) => d.count)).toEqual([3, 2]);
  });
});
