import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../support/mysql.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/robustness/driver-errors.ts', import.meta.url));
const pgAvailable = await postgresAvailable();
const myAvailable = await mysqlAvailable();

interface Seen { ctor: string; code: unknown; message: string; userFrames: string[] }
interface RouteResult { status: number; seen: Seen[]; handled: Seen; recorded: [string, string | null, string][] | null }

async function run(mode: 'plain' | 'toolbar', config: object): Promise<Record<string, RouteResult>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, mode, JSON.stringify(config)],
    { encoding: 'utf8', maxBuffer: 1 << 22 });
  return JSON.parse(stdout);
}

const withoutRecords = (results: Record<string, RouteResult>) =>
  Object.fromEntries(Object.entries(results).map(([route, { recorded: _recorded, ...rest }]) => [route, rest]));

/**
 * Each driver's failing queries (syntax errors, constraint violations, unknown tables; callbacks,
 * promises, submittables, a synchronous prepare), caught by the app or handed to Express's error
 * handler. Run in two processes, with and without the toolbar: a patched driver cannot be unpatched.
 */
describe('driver errors', () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof createTestSchema>> | undefined;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let plain: Record<string, RouteResult>;
  let toolbar: Record<string, RouteResult>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-errors-'));
    const config: Record<string, unknown> = { sqliteDir: dir };
    if (pgAvailable) {
      schema = await createTestSchema('edt_errors');
      const client = new pg.Client(schema.connection);
      await client.connect();
      await client.query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
      await client.end();
      config.pg = schema.connection;
    }
    if (myAvailable) {
      db = await createTestDatabase('edt_errors');
      const connection = await mysql.createConnection(db.connection);
      await connection.query('CREATE TABLE t (id int PRIMARY KEY)');
      await connection.query('INSERT INTO t VALUES (1)');
      await connection.end();
      config.mysql = db.connection;
    }
    [plain, toolbar] = [await run('plain', config), await run('toolbar', config)];
  }, 60_000);

  afterAll(async () => {
    await schema?.drop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reach the app exactly as without the toolbar: class, message, code, own properties and user frames', () => {
    expect(plain).not.toEqual({});
    expect(Object.keys(toolbar)).toEqual(Object.keys(plain));
    expect(withoutRecords(toolbar)).toEqual(withoutRecords(plain));
    for (const result of Object.values(toolbar)) expect(result.status).toBe(500);
    // better-sqlite3 throws from inside the hook: the app still sees its own call line first.
    expect(toolbar['better-sqlite3'].seen.map((s) => [s.ctor, s.code])).toEqual([
      ['SqliteError', 'SQLITE_ERROR'], ['SqliteError', 'SQLITE_CONSTRAINT_PRIMARYKEY'], ['SqliteError', 'SQLITE_ERROR'],
    ]);
    expect(toolbar['better-sqlite3'].seen[0].userFrames[0]).toMatch(/driver-errors\.ts:\d+:\d+\)$/);
    expect(toolbar.sqlite3.seen.map((s) => s.code)).toEqual(['SQLITE_CONSTRAINT', 'SQLITE_ERROR', 'SQLITE_ERROR']);
    expect(toolbar.pglite.seen.map((s) => s.code)).toEqual(['42P01', '42601', '23505']);
    expect(toolbar.pglite.handled.code).toBe('42P01');
  });

  it('are recorded with their message and duration, and the next queries of the request too', () => {
    const number = 'number';
    expect(toolbar['better-sqlite3'].recorded).toEqual([
      ['garbage', 'near "garbage": syntax error', number],
      ['INSERT INTO t VALUES (?)', 'UNIQUE constraint failed: t.id', number],
      ['SELECT * FROM nowhere', 'no such table: nowhere', number],
      ['SELECT 1 AS next_query', null, number],
      ['SELECT * FROM nowhere_final', 'no such table: nowhere_final', number],
    ]);
    expect(toolbar.sqlite3.recorded).toEqual([
      ['INSERT INTO t VALUES (?)', 'SQLITE_CONSTRAINT: UNIQUE constraint failed: t.id', number],
      ['SELECT * FROM nowhere', 'SQLITE_ERROR: no such table: nowhere', number],
      // A statement SQLite refused to prepare (prepare(sql, callback)) is recorded as the failed query.
      ['garbage', 'SQLITE_ERROR: near "garbage": syntax error', number],
      ['SELECT 1 AS next_query', null, number],
      ['SELECT * FROM nowhere_final', 'SQLITE_ERROR: no such table: nowhere_final', number],
    ]);
    expect(toolbar.pglite.recorded).toEqual([
      ['SELECT * FROM nowhere', 'relation "nowhere" does not exist', number],
      ['SELEC 1', 'syntax error at or near "SELEC"', number],
      ['INSERT INTO t VALUES ($1)', 'duplicate key value violates unique constraint "t_pkey"', number],
      ['SELECT 1 AS next_query', null, number],
      ['SELECT * FROM nowhere_final', 'relation "nowhere_final" does not exist', number],
    ]);
    expect(plain.pglite.recorded).toBeNull();
  });

  it.skipIf(!pgAvailable)('pg: callback, promise and submittable errors', () => {
    expect(toolbar.pg.seen.map((s) => s.code)).toEqual(['42601', '23505', '42P01', '42P01']);
    expect(toolbar.pg.handled.code).toBe('42P01');
    expect(toolbar.pg.recorded).toEqual([
      ['SELEC 1', 'syntax error at or near "SELEC"', 'number'],
      ['INSERT INTO t VALUES ($1)', 'duplicate key value violates unique constraint "t_pkey"', 'number'],
      ['SELECT * FROM nowhere_submittable', 'relation "nowhere_submittable" does not exist', 'number'],
      ['SELECT * FROM nowhere', 'relation "nowhere" does not exist', 'number'],
      ['SELECT 1 AS next_query', null, 'number'],
      ['SELECT * FROM nowhere_final', 'relation "nowhere_final" does not exist', 'number'],
    ]);
  });

  it.skipIf(!myAvailable)('mysql2: query and execute callbacks, mysql2/promise pool errors', () => {
    expect(toolbar.mysql2.seen.map((s) => s.code)).toEqual(['ER_PARSE_ERROR', 'ER_NO_SUCH_TABLE', 'ER_DUP_ENTRY', 'ER_NO_SUCH_TABLE']);
    expect(toolbar.mysql2.handled.code).toBe('ER_NO_SUCH_TABLE');
    // mysql2/promise builds its error where the app called it: the app's frames are there.
    expect(toolbar.mysql2.seen[2].userFrames.length).toBeGreaterThan(0);
    expect(toolbar.mysql2.recorded!.map(([sql, error, duration]) => [sql, error !== null, duration])).toEqual([
      ['SELEC 1', true, 'number'],
      ['SELECT * FROM nowhere', true, 'number'],
      ['INSERT INTO t VALUES (?)', true, 'number'],
      ['SELECT * FROM nowhere2', true, 'number'],
      ['SELECT 1 AS next_query', false, 'number'],
      ['SELECT * FROM nowhere_final', true, 'number'],
    ]);
    expect(toolbar.mysql2.recorded![2][1]).toMatch(/Duplicate entry '1'/);
  });
});
