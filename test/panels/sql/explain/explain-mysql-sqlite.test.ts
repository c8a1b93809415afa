import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import mysql from 'mysql2/promise';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../../../server/index.js';
import { registerExplainTarget, type Rows } from '../../../../server/panels/sql/explain/targets.js';
import type { StoredRequest } from '../../../../server/request/record.js';
import type { Store } from '../../../../server/store/store.js';
import type { DbInfo } from '../../../../server/types.js';
import { listen } from '../../../support/http.js';
import { postExplain, postWhatIf } from '../../../support/explain.js';

/*
 * The endpoint through the target registry, with targets registered here (as the mysql2 and
 * SQLite drivers do) and requests stored by hand: the statements are the stored ones, nothing else.
 */

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

async function mysqlAvailable(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await connection.end();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`MariaDB/MySQL is required on CI and unreachable at ${MYSQL_URL}: ${error}`);
    console.warn(`Skipping MySQL EXPLAIN tests: cannot reach ${MYSQL_URL}. Set MYSQL_URL.`);
    return false;
  }
}

/** A store holding one request per query: `{ id: 'q-<n>', queries: [query] }`. */
function storeOf(queries: { sql: string; params?: unknown[]; db: DbInfo }[]): Store {
  const requests = new Map(queries.map((query, i) => [`q-${i + 1}`, {
    id: `q-${i + 1}`, method: 'GET', url: '/', status: 200, startedAt: 0, durationMs: 1, contentType: null, queryCount: 1,
    queries: [{ id: 1, sql: query.sql, params: query.params ?? [], startMs: 0, durationMs: 1, rowCount: 0, db: query.db, frames: [] }],
  } as unknown as StoredRequest]));
  return { add: () => undefined, get: (id) => requests.get(id), list: () => [...requests.values()] };
}

async function serve(store: Store) {
  const app = express();
  app.use(debugToolbar({ store }));
  return listen(app);
}

const ref = (n: number, analyze?: boolean) => ({ requestId: `q-${n}`, queryId: 1, ...(analyze === undefined ? {} : { analyze }) });

const available = await mysqlAvailable();

describe.skipIf(!available)('POST /api/sql/explain on MariaDB', () => {
  const database = `edt_explain_${randomBytes(4).toString('hex')}`;
  let admin: mysql.Connection;
  let server: Awaited<ReturnType<typeof listen>>;
  const key = `test-mysql:${database}`;
  const db: DbInfo = { dialect: 'mysql', driver: 'mysql2', database, explainKey: key };
  const count = async () => ((await admin.query(`SELECT count(*) AS n FROM ${database}.counters`))[0] as { n: number }[])[0].n;

  beforeAll(async () => {
    admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE TABLE ${database}.posts (id int AUTO_INCREMENT PRIMARY KEY, author_id int, title text, created_at int)`);
    await admin.query(`CREATE TABLE ${database}.counters (id int PRIMARY KEY, n int)`);
    await admin.query(`INSERT INTO ${database}.posts (author_id, title, created_at)
      SELECT seq % 100, concat('post ', seq), seq FROM ${database}.seq_1_to_12000`);
    await admin.query(`INSERT INTO ${database}.counters VALUES (1, 1)`);
    await admin.query(`ANALYZE TABLE ${database}.posts`);
    registerExplainTarget(key, () => ({
      dialect: 'mysql',
      async withConnection(work) {
        const connection = await mysql.createConnection({ uri: MYSQL_URL, database });
        try {
          return await work(async (sql, params) => (await connection.query(sql, params ? [...params] : []))[0] as Rows);
        } finally {
          await connection.end();
        }
      },
    }));
    server = await serve(storeOf([
      { sql: 'SELECT id, title FROM posts WHERE author_id = ?', params: [3], db },
      { sql: 'SELECT p.id FROM posts p WHERE p.author_id = ? ORDER BY p.created_at DESC LIMIT 10', params: [4], db },
      { sql: 'INSERT INTO counters (id, n) VALUES (?, ?)', params: [2, 2], db },
      { sql: 'UPDATE counters SET n = n + 1', db },
      { sql: 'SELECT (SELECT title FROM posts WHERE id = ?) AS title', params: [99_999], db },
    ]));
  });

  afterAll(async () => {
    await server?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
  });

  it('explains with EXPLAIN FORMAT=JSON and suggests the index', async () => {
    const { status, body } = await postExplain(server.url, ref(1));
    expect(status).toBe(200);
    expect(body).toMatchObject({ dialect: 'mysql', analyzed: false });
    expect(JSON.parse(body.plan).query_block.nested_loop[0].table.access_type).toBe('ALL');
    expect(body.nodes[0].children[0]).toMatchObject({ operation: 'Full table scan', relation: 'posts', filter: 'posts.author_id = 3' });
    expect(body.suggestions[0].code).toBe('CREATE INDEX posts_author_id_idx ON posts (author_id);');
  });

  it('runs ANALYZE FORMAT=JSON for a SELECT', async () => {
    const { status, body } = await postExplain(server.url, ref(1, true));
    expect(status).toBe(200);
    expect(body.analyzed).toBe(true);
    expect(body.nodes[0].children[0]).toMatchObject({ actualRows: 120 });
    // MariaDB keeps no statistics on author_id (no index, nothing in mysql.column_stats): it assumed the filter keeps every row.
    expect(body.suggestions.map((s: { code: string }) => s.code)).toContain('ANALYZE TABLE posts PERSISTENT FOR COLUMNS (author_id) INDEXES ();');
  });

  it('indexes the filter and the sort key of an aliased table', async () => {
    const { body } = await postExplain(server.url, ref(2));
    expect(body.suggestions.map((s: { code: string }) => s.code))
      .toEqual(['CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);']);
  });

  it('names a block whose only content is a message after the message, and says why the what-if is not offered', async () => {
    const { status, body } = await postExplain(server.url, ref(5));
    expect(status).toBe(200);
    const labels = JSON.stringify(body.nodes);
    expect(labels).toContain('"label":"no matching row in const table"');
    expect(labels).not.toContain('unknown');
    expect(body.whatIf).toEqual({ available: false, reason: expect.stringMatching(/commit CREATE INDEX at once/) });
  });

  it('does not offer the what-if: MariaDB commits DDL at once (422), and no index appears', async () => {
    const { status, body } = await postWhatIf(server.url, ref(1));
    expect(status).toBe(422);
    expect(body.error).toMatch(/MySQL and MariaDB commit CREATE INDEX at once/);
    const [indexes] = await admin.query('SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?', [database]);
    expect((indexes as { INDEX_NAME: string }[]).map((row) => row.INDEX_NAME).sort()).toEqual(['PRIMARY', 'PRIMARY']);
  });

  it('refuses ANALYZE of an INSERT with 400, and nothing runs', async () => {
    const { status } = await postExplain(server.url, ref(3, true));
    expect(status).toBe(400);
    expect(await count()).toBe(1);
  });

  it('answers 502 for a plain EXPLAIN of a write: MariaDB refuses it inside START TRANSACTION READ ONLY', async () => {
    for (const n of [3, 4]) {
      const { status, body } = await postExplain(server.url, ref(n));
      expect(status).toBe(502);
      expect(body.error).toMatch(/READ ONLY transaction/);
    }
    const [rows] = await admin.query(`SELECT id, n FROM ${database}.counters`);
    expect(rows).toEqual([{ id: 1, n: 1 }]);
  });
});

describe('POST /api/sql/explain on SQLite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edt-explain-'));
  const file = join(folder, 'app.db');
  const app = new Database(file);
  let server: Awaited<ReturnType<typeof listen>>;
  const db: DbInfo = { dialect: 'sqlite', driver: 'better-sqlite3', database: file, explainKey: `test-sqlite:${file}` };

  beforeAll(async () => {
    app.exec(`CREATE TABLE posts (id integer PRIMARY KEY, author_id int, title text, created_at int);
      CREATE TABLE counters (id integer PRIMARY KEY, n int);
      INSERT INTO counters VALUES (1, 1);
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 12000)
      INSERT INTO posts (author_id, title, created_at) SELECT i % 100, 'post ' || i, i FROM s;`);
    registerExplainTarget(db.explainKey!, () => ({
      dialect: 'sqlite',
      async withConnection(work) {
        const connection = new Database(file, { readonly: true });
        try {
          return await work(async (sql, params) => connection.prepare(sql).all(...(params ?? [])) as Rows);
        } finally {
          connection.close();
        }
      },
    }));
    server = await serve(storeOf([
      { sql: 'SELECT id, title FROM posts WHERE author_id = ?', params: [3], db },
      { sql: 'DELETE FROM counters WHERE id = ?', params: [1], db },
      { sql: 'SELECT * FROM posts ORDER BY created_at DESC LIMIT 10', db },
      { sql: 'SELECT 1', db: { dialect: 'sqlite', driver: 'sqlite3', database: ':memory:' } },
      { sql: 'INSERT INTO counters (id, n) VALUES (?, ?)', params: [3, 3], db },
    ]));
  });

  afterAll(async () => {
    await server?.close();
    app.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('explains with EXPLAIN QUERY PLAN; without sqlite_stat1 the size is unknown', async () => {
    const { status, body } = await postExplain(server.url, ref(1));
    expect(status).toBe(200);
    expect(body).toMatchObject({ dialect: 'sqlite', analyzed: false, nodes: [{ operation: 'SCAN', relation: 'posts' }] });
    expect(body.plan).toEqual([expect.objectContaining({ detail: 'SCAN posts' })]);
    expect(body.suggestions).toEqual([expect.objectContaining({
      code: 'CREATE INDEX posts_author_id_idx ON posts (author_id);', reason: expect.stringMatching(/size is unknown/),
    })]);
  });

  it('reads the table size from sqlite_stat1 once ANALYZE has filled it', async () => {
    app.exec('CREATE INDEX posts_title_idx ON posts (title); ANALYZE');
    const { body } = await postExplain(server.url, ref(1));
    expect(body.suggestions[0].reason).toMatch(/reads ~12,000 rows/);
    const sorted = await postExplain(server.url, ref(3));
    expect(sorted.body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_created_at_idx ON posts (created_at);']);
  });

  it('describes a DELETE without running it', async () => {
    const { status, body } = await postExplain(server.url, ref(2));
    expect(status).toBe(200);
    expect(body.nodes[0]).toMatchObject({ operation: 'SEARCH', relation: 'counters' });
    expect(app.prepare('SELECT count(*) AS n FROM counters').get()).toEqual({ n: 1 });
  });

  it('refuses analyze: SQLite has no EXPLAIN ANALYZE', async () => {
    const { status, body } = await postExplain(server.url, ref(1, true));
    expect(status).toBe(400);
    expect(body.error).toMatch(/SQLite has no EXPLAIN ANALYZE/);
  });

  it('explains an INSERT … VALUES, which reads no table, with a note instead of an empty answer', async () => {
    const { status, body } = await postExplain(server.url, ref(5));
    expect(status).toBe(200);
    expect(body).toMatchObject({ nodes: [], plan: [], suggestions: [] });
    expect(body.notes[0]).toMatch(/EXPLAIN QUERY PLAN lists only the tables a statement reads and how; this statement reads none/);
    expect(body.whatIf).toEqual({ available: false, reason: expect.stringMatching(/opens SQLite read-only/) });
    expect(app.prepare('SELECT count(*) AS n FROM counters').get()).toEqual({ n: 1 });
  });

  it('does not offer the what-if on SQLite (422), and says why', async () => {
    const { status, body } = await postWhatIf(server.url, ref(1));
    expect(status).toBe(422);
    expect(body.error).toMatch(/opens SQLite read-only/);
  });

  it('answers 422 for a query whose connection registered no target', async () => {
    const { status, body } = await postExplain(server.url, ref(4));
    expect(status).toBe(422);
    expect(body.error).toMatch(/the sqlite3 driver registered no connection/);
  });
});
