import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { buildSchema, type Exec } from '../../../support/plan-capture.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { pgDbInfo } from '../../../../server/panels/sql/explain/pg-target.js';
import { explainTarget, type ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { runExplain } from '../../../../server/panels/sql/explain/run.js';
import { adviseExplain } from '../../../../server/panels/sql/explain/advise.js';

/*
 * The index advice must not depend on whether the scan stopped early. Live, on the cases' schema
 * (12,000 posts): a LIMIT 1 whose Seq Scan finds its row after reading three, the inner side of a
 * semi join that stops at the first match of each outer row, a nested loop under a LIMIT. EXPLAIN
 * ANALYZE then counts a few rows read; plain EXPLAIN reads the whole table; both need the index.
 */

const [pgUp, mysqlUp] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

async function indexCodes(target: ExplainTarget, sql: string, params: unknown[], analyze: boolean): Promise<string[]> {
  const advice = await adviseExplain(target, await runExplain(target, sql, params, analyze));
  return advice.suggestions.filter((s) => s.kind === 'index').map((s) => s.code);
}

describe.skipIf(!pgUp)('PostgreSQL: the same index advice with and without ANALYZE when the scan stops early', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let client: pg.Client;
  // Hash and merge joins off: the nested loops a small outer side gets on a real app.
  let nestedLoops: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema('edt_early_stop');
    client = new pg.Client(schema.connection);
    nestedLoops = new pg.Client({ ...schema.connection, options: `${schema.connection.options} -c enable_hashjoin=off -c enable_mergejoin=off` });
    await Promise.all([client.connect(), nestedLoops.connect()]);
    const exec: Exec = async (sql, params) => (await client.query(sql, params)).rows;
    await buildSchema('postgres', exec);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await nestedLoops?.end();
    await schema?.drop();
  });

  it.each([
    // The issue's `SELECT … FROM "Users" WHERE email = $1 LIMIT 1`: the row is the third one read.
    ['a LIMIT 1 Seq Scan with a Filter', false, 'SELECT id FROM posts WHERE title = $1 LIMIT 1', ['post 3'], 'CREATE INDEX posts_title_idx ON posts (title);'],
    // The inner Seq Scan of a Nested Loop Semi Join reads two rows per loop before its first match.
    ['the inner side of a semi join', true, 'SELECT a.id FROM authors a WHERE EXISTS (SELECT 1 FROM posts p WHERE p.author_id = a.id) AND a.id < $1', [5],
      'CREATE INDEX posts_author_id_idx ON posts (author_id);'],
    ['the inner side of a nested loop under a LIMIT', true, 'SELECT a.name, p.id FROM authors a JOIN posts p ON p.author_id = a.id WHERE a.id = $1 LIMIT 1', [7],
      'CREATE INDEX posts_author_id_idx ON posts (author_id);'],
    ['the outer side of a nested loop under a LIMIT', true, 'SELECT a.name, p.id FROM authors a JOIN posts p ON p.title = $1 AND p.author_id = a.id LIMIT 1', ['post 3'],
      'CREATE INDEX posts_title_idx ON posts (title);'],
  ])('%s', async (_name, loops, sql, params, expected) => {
    const target = explainTarget(pgDbInfo(loops ? nestedLoops : client).explainKey) as ExplainTarget;
    const plain = await indexCodes(target, sql, params, false);
    const analyzed = await indexCodes(target, sql, params, true);
    expect(plain).toEqual([expected]);
    expect(analyzed).toEqual(plain);
  });

  it('the ANALYZE run did stop early: it read a handful of rows of the 12,000', async () => {
    const target = explainTarget(pgDbInfo(client).explainKey) as ExplainTarget;
    const outcome = await runExplain(target, 'SELECT id FROM posts WHERE title = $1 LIMIT 1', ['post 3'], true);
    const scan = outcome.nodes[0].children[0];
    expect(scan).toMatchObject({ operation: 'Seq Scan', actualRows: 1, mayStopEarly: true });
    expect(scan.counters).toContainEqual({ name: 'Rows Removed by Filter', value: 2 });
  });
});

describe.skipIf(!mysqlUp)('MariaDB: the same index advice with and without ANALYZE under a LIMIT', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let connection: mysql.Connection;
  let target: ExplainTarget;

  beforeAll(async () => {
    database = await createTestDatabase('edt_early_stop');
    connection = await mysql.createConnection(database.connection);
    await buildSchema('mysql', async (sql, params) => {
      const [rows] = await connection.query(sql, params);
      return (Array.isArray(rows) ? rows : []) as Record<string, unknown>[];
    });
    // As the mysql2 driver's target runs them: one statement per execute().
    target = {
      dialect: 'mysql',
      withConnection: (work) => work(async (sql, params) => (await connection.execute(sql, (params ?? []) as never[]))[0] as Record<string, unknown>[]),
    };
  }, 60_000);

  afterAll(async () => {
    await connection?.end();
    await database?.drop();
  });

  it.each([
    ['a LIMIT 1 full scan with a condition', 'SELECT id FROM posts WHERE title = ? LIMIT 1', ['post 3'], 'CREATE INDEX posts_title_idx ON posts (title);'],
    ['the scan of a join under a LIMIT', 'SELECT a.name, p.id FROM authors a JOIN posts p ON p.author_id = a.id WHERE a.id = ? LIMIT 1', [7],
      'CREATE INDEX posts_author_id_idx ON posts (author_id);'],
  ])('%s', async (_name, sql, params, expected) => {
    const plain = await indexCodes(target, sql, params, false);
    const analyzed = await indexCodes(target, sql, params, true);
    expect(plain).toEqual([expected]);
    expect(analyzed).toEqual(plain);
  });
});
