import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { pgDbInfo } from '../../../../server/panels/sql/explain/pg-target.js';
import { explainTarget, type ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { runExplain } from '../../../../server/panels/sql/explain/run.js';
import { adviseExplain } from '../../../../server/panels/sql/explain/advise.js';
import { runWhatIf } from '../../../../server/panels/sql/explain/what-if.js';

/*
 * A top-N sort under LIMIT over a join, as an ORM's `include` writes it (`FROM "Articles" AS
 * "Article" LEFT OUTER JOIN "Users" AS "author" … ORDER BY "Article"."createdAt" DESC LIMIT 10`):
 * the index on the sort key of the table that drives the join, proven by the what-if on
 * PostgreSQL (the planner reads it backwards and stops after ten rows).
 */

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL: an index for the sort key of a join under LIMIT', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let client: pg.Client;
  let target: ExplainTarget;

  beforeAll(async () => {
    schema = await createTestSchema('edt_sort_join');
    client = new pg.Client(schema.connection);
    await client.connect();
    await client.query('CREATE TABLE "Users" (id serial PRIMARY KEY, username text, "createdAt" timestamptz)');
    await client.query(`INSERT INTO "Users" (username, "createdAt") SELECT 'user' || i, now() - i * interval '1 minute' FROM generate_series(1, 20000) i`);
    await client.query('CREATE TABLE "Articles" (id serial PRIMARY KEY, title text, "authorId" int, "createdAt" timestamptz)');
    await client.query(`INSERT INTO "Articles" (title, "authorId", "createdAt")
      SELECT 't' || i, i % 500 + 1, now() - i * interval '1 minute' FROM generate_series(1, 20000) i`);
    await client.query('ANALYZE');
    target = explainTarget(pgDbInfo(client).explainKey) as ExplainTarget;
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await schema?.drop();
  });

  const indexCodes = async (sql: string, analyze = false) => (await adviseExplain(target, await runExplain(target, sql, [], analyze)))
    .suggestions.filter((s) => s.kind === 'index').map((s) => s.code);

  const JOIN = 'FROM "Articles" AS "Article" LEFT OUTER JOIN "Users" AS "author" ON "Article"."authorId" = "author".id';

  it.each([
    ['a LEFT JOIN sorted by the driving table', `SELECT "Article".id, "author".username ${JOIN} ORDER BY "Article"."createdAt" DESC LIMIT 10`,
      'CREATE INDEX articles_createdat_idx ON "Articles" ("createdAt");'],
    // Mixed directions: each column keeps its own.
    ['mixed directions', `SELECT "Article".id, "author".username ${JOIN} ORDER BY "Article"."createdAt" DESC, "Article".id ASC LIMIT 10`,
      'CREATE INDEX articles_createdat_id_idx ON "Articles" ("createdAt" DESC, id);'],
    // An equality on the driving table comes first.
    ['after an equality column', `SELECT "Article".id, "author".username ${JOIN} WHERE "Article"."authorId" = 3 ORDER BY "Article"."createdAt" DESC LIMIT 10`,
      'CREATE INDEX articles_authorid_createdat_idx ON "Articles" ("authorId", "createdAt");'],
    // Sequelize's findAndCountAll with limit and an include: the LIMIT is in a subquery, the outer statement has none.
    ['a LIMIT in a subquery', `SELECT "Article".*, "author".username FROM (SELECT "Article".id, "Article"."createdAt", "Article"."authorId" FROM "Articles" AS "Article"
      ORDER BY "Article"."createdAt" DESC LIMIT 10 OFFSET 0) AS "Article" LEFT OUTER JOIN "Users" AS "author" ON "Article"."authorId" = "author".id ORDER BY "Article"."createdAt" DESC`,
    'CREATE INDEX articles_createdat_idx ON "Articles" ("createdAt");'],
  ])('%s', async (_name, sql, expected) => {
    expect(await indexCodes(sql)).toEqual([expected]);
    expect(await indexCodes(sql, true)).toEqual([expected]);
  });

  it.each([
    // The sort key is on the side a LEFT JOIN fills with NULLs: an index there cannot give the order.
    ['the nullable side of a LEFT JOIN', `SELECT "Article".id ${JOIN} ORDER BY "author"."createdAt" DESC LIMIT 10`],
    ['a FULL JOIN', 'SELECT a.id FROM "Articles" a FULL JOIN "Users" u ON a."authorId" = u.id ORDER BY a."createdAt" DESC LIMIT 10'],
    ['keys from two tables', `SELECT "Article".id ${JOIN} ORDER BY "Article"."createdAt" DESC, "author".username LIMIT 10`],
  ])('suggests no sort index for %s', async (_name, sql) => {
    expect((await indexCodes(sql)).filter((code) => /createdat/i.test(code))).toEqual([]);
  });

  it('the what-if proves it: the planner reads the new index and stops after ten rows', async () => {
    const result = await runWhatIf(target, { sql: `SELECT "Article".id, "author".username ${JOIN} ORDER BY "Article"."createdAt" DESC LIMIT 10`, params: [] });
    expect(result.indexes.map((index) => index.code)).toEqual(['CREATE INDEX articles_createdat_idx ON "Articles" ("createdAt");']);
    expect(result.used).toBe(true);
    expect(result.after.text).toMatch(/Index Scan Backward using articles_createdat_idx/);
    expect(result.after.totalCost).toBeLessThan(result.before.totalCost as number);
  });
});
