import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import mysql from 'mysql2';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';

/* The endpoint with the explain targets the mysql2 and better-sqlite3 drivers register themselves. */

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const mysqlUp = await mysql.createConnection(MYSQL_URL).promise().end().then(() => true, () => false);

describe('POST /api/sql/explain with the drivers\' own targets', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edt-explain-drivers-'));
  const sqlite = new Database(join(folder, 'app.db'));
  const database = `edt_explain_d_${randomBytes(4).toString('hex')}`;
  const pool = mysqlUp ? mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 }).promise() : null;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    sqlite.exec('CREATE TABLE posts (id integer PRIMARY KEY, author_id int); INSERT INTO posts (author_id) VALUES (1), (2);');
    if (pool) {
      await pool.query(`CREATE DATABASE ${database}`);
      await pool.query(`CREATE TABLE ${database}.posts (id int PRIMARY KEY, author_id int)`);
    }
    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql, betterSqlite3: Database } }));
    app.get('/sqlite', (_req, res) => {
      sqlite.prepare('SELECT id FROM posts WHERE author_id = ?').all(1);
      res.json({});
    });
    app.get('/mysql', async (_req, res) => {
      await pool!.query(`SELECT id FROM ${database}.posts WHERE author_id = ?`, [1]);
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    sqlite.close();
    rmSync(folder, { recursive: true, force: true });
    await pool?.query(`DROP DATABASE IF EXISTS ${database}`);
    await pool?.end();
  });

  it('better-sqlite3', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/sqlite');
    const { status, body } = await postExplain(server.url, { requestId: id, queryId: detail.panels.sql!.queries[0].id });
    expect(status).toBe(200);
    expect(body.nodes[0]).toMatchObject({ operation: 'SCAN', relation: 'posts' });
  });

  it.skipIf(!mysqlUp)('mysql2 on MariaDB', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/mysql');
    for (const analyze of [false, true]) {
      const { status, body } = await postExplain(server.url, { requestId: id, queryId: detail.panels.sql!.queries[0].id, analyze });
      expect(status).toBe(200);
      expect(body.nodes[0].children[0]).toMatchObject({ operation: 'Full table scan', relation: 'posts' });
    }
  });
});
