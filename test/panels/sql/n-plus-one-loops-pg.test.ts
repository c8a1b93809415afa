import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTables, seedRows } from '../../fixtures/orm-fixes/blog-schema.js';
import { createTestSchema, postgresAvailable, POSTGRES_URL } from '../../support/postgres.js';
import { fetchRecorded } from '../../support/http.js';
import { startChildApp } from '../../support/child-app.js';

/*
 * Issue 18 part 3: a loop running several queries per row is one loop in the API (every group of
 * it carries the same `loop`), and the duplicates inside it (two articles by one author) are not
 * reported again on their own. Knex on PostgreSQL, a real Express app with the toolbar, run in a
 * child process so that the lines are the file's own.
 */

const up = await postgresAvailable();
const ROUTES = fileURLToPath(new URL('../../fixtures/loops/knex-app.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('../../fixtures/loops/server.mjs', import.meta.url));
const APP = fileURLToPath(new URL('../../fixtures/loops/app.mjs', import.meta.url));
const VIEW = fileURLToPath(new URL('../../fixtures/loops/views/list.ejs', import.meta.url));
const lineIn = (file: string, marker: string) => readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(marker)) + 1;
const lineOf = (marker: string) => lineIn(ROUTES, `// ${marker}`);

describe.skipIf(!up)('loops on a real knex + pg app', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let app: Awaited<ReturnType<typeof startChildApp>>;

  beforeAll(async () => {
    schema = await createTestSchema('edt_loops');
    const client = new pg.Client(schema.connection);
    await client.connect();
    for (const sql of [...createTables('postgres'), ...seedRows('postgres')]) await client.query(sql);
    await client.end();
    app = await startChildApp(SERVER, { EDT_DATABASE_URL: POSTGRES_URL, EDT_PG_OPTIONS: schema.connection.options });
  });
  afterAll(async () => {
    await app?.stop();
    await schema?.drop();
  });

  it('gives the three shapes of /feed\'s loop body one loop, at its first query, and folds its duplicates', async () => {
    const { detail } = await fetchRecorded(app.url, '/feed');
    expect(detail.queryCount).toBe(1 + 3 * 5);
    expect(detail.panels.sql!.nPlusOne.map((g) => g.count)).toEqual([5, 5, 5]);
    for (const group of detail.panels.sql!.nPlusOne) expect(group.loop).toEqual({ file: ROUTES, line: lineOf('FEED-AUTHOR'), function: 'feed' });
    // Articles 1 and 4 are by user 1, 2 and 5 by user 2: the same author query twice, inside the loop.
    const authorRuns = detail.panels.sql!.queries.filter((q) => q.sql.startsWith('select * from "users"')).map((q) => JSON.stringify(q.params));
    expect(new Set(authorRuns).size).toBeLessThan(authorRuns.length);
    expect(detail.panels.sql!.duplicates).toEqual([]);
    expect(detail.duplicateCount).toBe(0);
  });

  it('names the line that calls a helper running two queries per row', async () => {
    const { detail } = await fetchRecorded(app.url, '/enriched');
    expect(detail.panels.sql!.nPlusOne.map((g) => g.callSite?.line).sort()).toEqual([lineOf('ENRICH-AUTHOR'), lineOf('ENRICH-AUTHOR') + 1]);
    for (const group of detail.panels.sql!.nPlusOne) expect(group.loop).toEqual({ file: ROUTES, line: lineOf('ENRICHED-LOOP'), function: 'enriched' });
    expect(detail.panels.sql!.duplicates).toEqual([]);
  });

  // Part 7: before, the template's frame (eval'd code) was dropped, and the loop was the helper's line.
  it('points the loop of an N+1 run from an async EJS template at the template\'s line', async () => {
    const { detail } = await fetchRecorded(app.url, '/list');
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    const [group] = detail.panels.sql!.nPlusOne;
    expect(group.count).toBe(5);
    expect(group.callSite).toMatchObject({ file: APP, line: lineIn(APP, '// TEMPLATE-HELPER') });
    expect(group.loop).toEqual({ file: VIEW, line: lineIn(VIEW, 'await authorOf'), function: null, inTemplate: true });
    // knex's words, run in the route before rendering: not a batch from inside the template.
    expect(group.suggestion!.title).toMatch(/whereIn.* in the route, before rendering views\/list\.ejs$/);
    expect(group.suggestion!.code).toContain('// In the route, before res.render(…): load what views/list.ejs:3 queried per item');
    expect(group.stack.map((frame) => `${frame.file}:${frame.line}`)).toContain(`${VIEW}:3`);
  });
});
