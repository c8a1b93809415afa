import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import mysql from 'mysql2';
import sqlite3 from 'sqlite3';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';
import { mysqlAvailable } from '../../../support/mysql.js';

/*
 * The catalog behind the advice, read through the connections the drivers register themselves:
 * mysql2's prepared statements (a schema-qualified table), better-sqlite3's and sqlite3's
 * read-only connections (pragma functions, sqlite_stat1).
 */

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const mysqlUp = await mysqlAvailable();

describe('the advice reads the catalog through the drivers\' own connections', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edt-catalog-'));
  const file = join(folder, 'app.db');
  const sqlite = new Database(file);
  const database = `edt_catalog_${randomBytes(4).toString('hex')}`;
  const pool = mysqlUp ? mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 }).promise() : null;
  let legacy: sqlite3.Database;
  let server: Awaited<ReturnType<typeof listen>>;

  const explain = async (path: string) => {
    const { id, detail } = await fetchRecorded(server.url, path);
    return postExplain(server.url, { requestId: id, queryId: detail.panels.sql!.queries[0].id });
  };

  beforeAll(async () => {
    sqlite.exec(`CREATE TABLE posts (id integer PRIMARY KEY, author_id int, status text);
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000)
      INSERT INTO posts (author_id, status) SELECT i % 300, CASE WHEN i % 2 = 0 THEN 'draft' ELSE 'live' END FROM s;
      CREATE INDEX posts_status_idx ON posts (status);
      ANALYZE;`);
    legacy = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
    });
    if (pool) {
      await pool.query(`CREATE DATABASE ${database}`);
      await pool.query(`CREATE TABLE ${database}.posts (id int PRIMARY KEY, author_id int, status varchar(10), KEY posts_status_idx (status))`);
      await pool.query(`INSERT INTO ${database}.posts SELECT seq, seq % 300, IF(seq % 2 = 0, 'draft', 'live') FROM ${database}.seq_1_to_3000`);
      await pool.query(`ANALYZE TABLE ${database}.posts`);
    }
    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql, betterSqlite3: Database, sqlite3 } }));
    app.get('/sqlite', (_req, res) => {
      sqlite.prepare('SELECT id FROM posts WHERE author_id = ? AND status = ?').all(7, 'draft');
      res.json({});
    });
    app.get('/sqlite3', (_req, res) => {
      legacy.all('SELECT id FROM posts WHERE author_id = ?', [7], () => res.json({}));
    });
    app.get('/mysql/author', async (_req, res) => {
      await pool!.query(`SELECT id FROM ${database}.posts WHERE author_id = ?`, [7]);
      res.json({});
    });
    app.get('/mysql/status', async (_req, res) => {
      await pool!.query(`SELECT * FROM ${database}.posts WHERE status = ?`, ['draft']);
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    sqlite.close();
    await new Promise((resolve) => legacy?.close(resolve));
    rmSync(folder, { recursive: true, force: true });
    await pool?.query(`DROP DATABASE IF EXISTS ${database}`);
    await pool?.end();
  });

  it('better-sqlite3: sqlite_stat1 says the status index finds half the table, so the column without statistics leads', async () => {
    const { status, body } = await explain('/sqlite');
    expect(status).toBe(200);
    // SQLite itself, having analyzed, does not use posts_status_idx: it finds half the table.
    expect(body.nodes[0]).toMatchObject({ label: 'SCAN posts' });
    expect(body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);']);
    expect(body.suggestions[0].reason).toMatch(/SCAN posts reads ~3,000 rows filtering on author_id, status/);
  });

  it('sqlite3: the size from sqlite_stat1', async () => {
    const { status, body } = await explain('/sqlite3');
    expect(status).toBe(200);
    expect(body.suggestions[0]).toMatchObject({ code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);', reason: expect.stringMatching(/reads ~3,000 rows/) });
  });

  it.skipIf(!mysqlUp)('mysql2: a schema-qualified table, and an existing index that serves the test (MariaDB scans anyway: half the table)', async () => {
    const author = await explain('/mysql/author');
    expect(author.status).toBe(200);
    expect(author.body.suggestions.filter((s: { kind: string }) => s.kind === 'index').map((s: { code: string }) => s.code))
      .toEqual([`CREATE INDEX posts_author_id_idx ON ${database}.posts (author_id);`]);
    const covered = await explain('/mysql/status');
    expect(covered.status).toBe(200);
    expect(covered.body.suggestions.filter((s: { kind: string }) => s.kind === 'index')).toEqual([]);
    expect(covered.body.notes.join('\n')).toMatch(/the existing index posts_status_idx \(status\) already serves the test on status/);
  });
});
