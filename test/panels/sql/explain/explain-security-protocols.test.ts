import { afterAll, describe, expect, it } from 'vitest';
import type express from 'express';
import mysql from 'mysql2';
import Database from 'better-sqlite3';
import sqlite3 from 'sqlite3';
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import type { ExplainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { recordedExplainTarget } from '../../../support/explain.js';

const mysqlUp = await mysqlAvailable();

/**
 * Issue 16, the protocol layer on its own: the explain connection of every driver runs exactly one
 * statement per call, so a text holding a second one fails at the database (or, on SQLite's
 * read-only connection, cannot write), even when the toolbar's reader is bypassed.
 */
describe('EXPLAIN connections run one statement per call, whatever the reader said', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const target = (setup: (app: express.Express) => void) => recordedExplainTarget(setup, cleanups);
  const smuggle = (run: Parameters<Parameters<ExplainTarget['withConnection']>[0]>[0]) => run('SELECT 1 AS one; DELETE FROM victim');

  it.skipIf(!mysqlUp)('mysql2 (MariaDB): execute refuses a second statement; the session has its timeouts', async () => {
    const database = await createTestDatabase('edt_explain_proto');
    const pool = mysql.createPool({ ...database.connection, connectionLimit: 2, multipleStatements: true }).promise();
    cleanups.push(async () => { await pool.end(); await database.drop(); });
    await pool.query('CREATE TABLE victim (id int PRIMARY KEY); INSERT INTO victim VALUES (1), (2), (3)');
    const explain = await target((app) => {
      app.use(debugToolbar({ instrument: { mysql2: mysql } }));
      app.get('/q', async (_req, res) => res.json((await pool.query('SELECT id FROM victim WHERE id = 1'))[0]));
    });
    // The app's pool allows multiple statements; the explain connection copies none of that.
    await expect(explain.withConnection(smuggle)).rejects.toThrow(/syntax/);
    const [rows] = await pool.query('SELECT count(*) AS n FROM victim');
    expect(Number((rows as { n: number }[])[0].n)).toBe(3);
    const session = await explain.withConnection(async (run) => (await run('SELECT @@max_statement_time AS statement, @@lock_wait_timeout AS lockWait'))[0]);
    expect(session).toEqual({ statement: 30, lockWait: 5 });
  });

  it('PGlite: the transaction query API refuses a second statement', async () => {
    const db = new PGlite();
    cleanups.push(() => db.close());
    await db.exec('CREATE TABLE victim (id int PRIMARY KEY); INSERT INTO victim VALUES (1), (2), (3)');
    const explain = await target((app) => {
      app.use(debugToolbar({ instrument: { pglite: db } }));
      app.get('/q', async (_req, res) => res.json((await db.query('SELECT id FROM victim WHERE id = 1')).rows));
    });
    await expect(explain.withConnection(smuggle)).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM victim')).rows[0].n).toBe(3);
  });

  it('better-sqlite3 and sqlite3: one prepared statement on a read-only connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edt-explain-proto-'));
    const file = join(dir, 'app.db');
    const app = new Database(file);
    cleanups.push(() => { app.close(); rmSync(dir, { recursive: true, force: true }); });
    app.exec('CREATE TABLE victim (id INTEGER PRIMARY KEY); INSERT INTO victim VALUES (1), (2), (3)');
    const better = await target((express) => {
      express.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
      express.get('/q', (_req, res) => { res.json(app.prepare('SELECT id FROM victim WHERE id = 1').all()); });
    });
    await expect(better.withConnection(smuggle)).rejects.toThrow(/more than one statement/);
    await expect(better.withConnection((run) => run('DELETE FROM victim'))).rejects.toThrow(/readonly/);
    const other = new sqlite3.Database(file);
    cleanups.push(() => new Promise((done) => other.close(done)));
    const node = await target((express) => {
      express.use(debugToolbar({ instrument: { sqlite3 } }));
      express.get('/q', (_req, res) => { other.all('SELECT id FROM victim WHERE id = 1', (_error, rows) => res.json(rows)); });
    });
    // node-sqlite3 prepares the first statement only; the connection is read-only either way.
    await node.withConnection(smuggle).catch(() => undefined);
    await expect(node.withConnection((run) => run('DELETE FROM victim'))).rejects.toThrow(/readonly/);
    expect((app.prepare('SELECT count(*) AS n FROM victim').get() as { n: number }).n).toBe(3);
  });
});
