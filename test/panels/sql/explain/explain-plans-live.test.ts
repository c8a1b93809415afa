import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import Database from 'better-sqlite3';
import { PGlite } from '@electric-sql/pglite';
import { casesFor } from '../../../fixtures/explain/cases.js';
import { buildSchema, explainMariadb, explainPostgres, explainSqlite, type Exec } from '../../../support/plan-capture.js';
import { flatten, mariadbMismatches, postgresMismatches } from '../../../support/text-plan.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { readPostgresPlan } from '../../../../server/panels/sql/explain/plan-postgres.js';
import { readMysqlJsonPlan } from '../../../../server/panels/sql/explain/plan-mysql.js';
import { readSqlitePlan } from '../../../../server/panels/sql/explain/plan-sqlite.js';
import { toPlanNodes } from '../../../../server/panels/sql/explain/plan-node.js';

/*
 * The plan reading held against each database's own text plan, live: the fixtures' cases run on
 * the PostgreSQL, MariaDB and SQLite of this machine and on PGlite (PostgreSQL 18), so a version
 * that prints a plan differently fails here before a user sees it.
 */

const [pgUp, mysqlUp] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

describe.skipIf(!pgUp)('PostgreSQL (live): each node as EXPLAIN (FORMAT TEXT) prints it', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let client: pg.Client;
  const exec: Exec = async (sql, params) => (await client.query(sql, params)).rows;

  beforeAll(async () => {
    schema = await createTestSchema('edt_plans_live');
    client = new pg.Client(schema.connection);
    await client.connect();
    await buildSchema('postgres', exec);
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await schema?.drop();
  });

  // A parallel plan's workers depend on the server's free background workers, which other test
  // files running at the same time take: the JSON and text runs can launch different numbers. The
  // captured fixture (explain-plans.test.ts) and PGlite below cover reading it.
  it.each(Object.keys(casesFor('postgres')).filter((name) => name !== 'parallel'))('%s', async (name) => {
    const captured = await explainPostgres(exec, casesFor('postgres')[name]);
    expect(postgresMismatches(toPlanNodes(readPostgresPlan(captured.plan)), String(captured.text))).toEqual([]);
  });
});

describe('PGlite (PostgreSQL 18, live): each node as EXPLAIN (FORMAT TEXT) prints it', () => {
  const db = new PGlite();
  const exec: Exec = async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows;

  beforeAll(async () => {
    await buildSchema('postgres', exec);
  }, 90_000); // PGlite boots its WASM Postgres here: slow on a busy machine.

  afterAll(async () => {
    await db.close();
  });

  it.each(Object.keys(casesFor('postgres')))('%s', async (name) => {
    const captured = await explainPostgres(exec, casesFor('postgres')[name]);
    expect(postgresMismatches(toPlanNodes(readPostgresPlan(captured.plan)), String(captured.text))).toEqual([]);
  });
});

describe.skipIf(!mysqlUp)('MariaDB (live): each table as the tabular EXPLAIN and ANALYZE print it', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let connection: mysql.Connection;
  const exec: Exec = async (sql, params) => {
    const [rows] = await connection.query(sql, params);
    return (Array.isArray(rows) ? rows : []) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    database = await createTestDatabase('edt_plans_live');
    connection = await mysql.createConnection(database.connection);
    await buildSchema('mysql', exec);
  }, 60_000);

  afterAll(async () => {
    await connection?.end();
    await database?.drop();
  });

  it.each(Object.keys(casesFor('mysql')).filter((name) => name !== 'insert'))('%s', async (name) => {
    const captured = await explainMariadb(exec, casesFor('mysql')[name]);
    expect(captured.error).toBeUndefined();
    expect(mariadbMismatches(toPlanNodes(readMysqlJsonPlan(captured.plan)), captured.text as Record<string, unknown>[])).toEqual([]);
  });
});

describe('SQLite (live): each node is its EXPLAIN QUERY PLAN row', () => {
  const db = new Database(':memory:');
  const exec: Exec = async (sql, params = []) => {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
    statement.run(...params);
    return [];
  };

  beforeAll(async () => {
    await buildSchema('sqlite', exec);
  });

  afterAll(() => db.close());

  it.each(Object.keys(casesFor('sqlite')))('%s', async (name) => {
    const rows = (await explainSqlite(exec, casesFor('sqlite')[name])).plan as { id: number; parent: number; detail: string }[];
    expect(flatten(toPlanNodes(readSqlitePlan(rows))).map((node) => node.label)).toEqual(rows.map((row) => row.detail));
  });
});
