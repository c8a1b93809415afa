import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import fc from 'fast-check';
import pg from 'pg';
import mysql from 'mysql2';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import type { ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { runExplain } from '../../../../server/panels/sql/explain/run.js';
import { createTestSchema, postgresAvailable } from '../../../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { recordedExplainTarget } from '../../../support/explain.js';

const pgUp = await postgresAvailable();
const mysqlUp = await mysqlAvailable();

/**
 * Issue 16: whatever comment, whitespace and quote tricks surround a write after the stored
 * SELECT, EXPLAIN (with or without ANALYZE) never changes a row, on the real PostgreSQL, MariaDB
 * and SQLite. Refusals and database errors are fine; a changed row is not.
 */
const PIECES = [
  '--', '-- ', '#', '/*', '*/', '/*!', '/*!50000', '\r', '\n', '\r\n', ' ', '\t', "'", '"', '`', '$$', '$a$', "E'", "\\'", '\\',
  ';', ';;', 'COMMIT', 'END', 'ROLLBACK', 'BEGIN', 'x', '1', '(', ')', ',',
];
const WRITES = [
  'DELETE FROM victim WHERE id <= 5', "INSERT INTO audit (what) VALUES ('ran')", 'UPDATE victim SET id = id + 100',
];
/** A comment (or string) opened, something inside, and something that may or may not close it. */
const opened = fc.tuple(
  fc.constantFrom('--', '-- ', '--\t', '#', '/*', '/* /*', "'", '"', '$a$', "E'", ''),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }),
  fc.constantFrom('\r', '\n', '\r\n', '\x0b', '\f', '*/', '*/ */', "'", "\\'", '"', '$a$', ''),
).map(([open, inside, close]) => `${open}${inside.join('')}${close}`);
const trick = fc.tuple(
  opened,
  fc.constantFrom('COMMIT', 'END', 'COMMIT AND NO CHAIN', 'ROLLBACK; BEGIN', 'ABORT', ''),
  fc.constantFrom(...WRITES),
  // Mostly a clean tail: PostgreSQL parses a whole multi-statement text before running any of it.
  fc.oneof(fc.constantFrom('', ' ', '\n', ' -- end', ';'), fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }).map((p) => p.join(''))),
).map(([before, commit, write, after]) => `SELECT id FROM items WHERE id = 1 ${before}; ${commit}; ${write}${after}`);

interface Db {
  target: ExplainTarget;
  count(table: 'victim' | 'audit'): Promise<number>;
}

async function neverWrites(db: Db, runs: number) {
  const before = { victim: await db.count('victim'), audit: await db.count('audit') };
  await fc.assert(fc.asyncProperty(trick, fc.boolean(), async (sql, analyze) => {
    await runExplain(db.target, sql, [], analyze).catch(() => undefined);
    expect({ victim: await db.count('victim'), audit: await db.count('audit') }).toEqual(before);
  }), { numRuns: runs });
  // The same tricks with the write first and the SELECT after it in a comment.
  expect(before.victim).toBe(10);
}

describe('EXPLAIN never writes, whatever surrounds a write (fast-check, real databases)', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const recordedTarget = (setup: (app: express.Express) => void) => recordedExplainTarget(setup, cleanups);

  describe.skipIf(!pgUp)('PostgreSQL', () => {
    let db: Db;
    beforeAll(async () => {
      const schema = await createTestSchema('edt_explain_prop');
      const pool = new pg.Pool({ ...schema.connection, max: 2 });
      cleanups.push(async () => { await pool.end(); await schema.drop(); });
      await pool.query('CREATE TABLE items (id int PRIMARY KEY); CREATE TABLE victim (id int PRIMARY KEY); CREATE TABLE audit (what text)');
      await pool.query('INSERT INTO items SELECT generate_series(1, 10); INSERT INTO victim SELECT generate_series(1, 10)');
      const target = await recordedTarget((app) => {
        app.use(debugToolbar({ instrument: { pg } }));
        app.get('/q', async (_req, res) => res.json((await pool.query('SELECT id FROM items WHERE id = 1')).rows));
      });
      db = { target, count: async (table) => (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n };
    });
    it('no row changes', () => neverWrites(db, 150));
  });

  describe.skipIf(!mysqlUp)('MariaDB', () => {
    let db: Db;
    beforeAll(async () => {
      const database = await createTestDatabase('edt_explain_prop');
      const pool = mysql.createPool({ ...database.connection, connectionLimit: 2 });
      const promise = pool.promise();
      cleanups.push(async () => { await promise.end(); await database.drop(); });
      for (const sql of ['CREATE TABLE items (id int PRIMARY KEY)', 'CREATE TABLE victim (id int PRIMARY KEY)', 'CREATE TABLE audit (what text)',
        'INSERT INTO items VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)', 'INSERT INTO victim SELECT id FROM items']) await promise.query(sql);
      const target = await recordedTarget((app) => {
        app.use(debugToolbar({ instrument: { mysql2: mysql } }));
        app.get('/q', async (_req, res) => res.json((await promise.query('SELECT id FROM items WHERE id = 1'))[0]));
      });
      db = { target, count: async (table) => Number(((await promise.query(`SELECT count(*) AS n FROM ${table}`))[0] as { n: number }[])[0].n) };
    });
    it('no row changes', () => neverWrites(db, 150));
  });

  describe('SQLite (better-sqlite3)', () => {
    let db: Db;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'edt-explain-prop-'));
      const sqlite = new Database(join(dir, 'app.db'));
      cleanups.push(() => { sqlite.close(); rmSync(dir, { recursive: true, force: true }); });
      sqlite.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY); CREATE TABLE victim (id INTEGER PRIMARY KEY); CREATE TABLE audit (what TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO items SELECT i FROM n;
        INSERT INTO victim SELECT id FROM items;`);
      const target = await recordedTarget((app) => {
        app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
        app.get('/q', (_req, res) => { res.json(sqlite.prepare('SELECT id FROM items WHERE id = 1').all()); });
      });
      db = { target, count: async (table) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n };
    });
    it('no row changes', () => neverWrites(db, 150));
  });
});
