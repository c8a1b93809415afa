import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import { explainTarget } from '../../../../server/panels/sql/explain/targets.js';
import { fetchRecorded, listen, waitForRecord } from '../../../support/http.js';

const THIS_FILE = fileURLToPath(import.meta.url);

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('better-sqlite3 on %s', (_name, express) => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let server: Awaited<ReturnType<typeof listen>>;

  function loadAuthor(id: number) {
    return db.prepare('SELECT id, name FROM authors WHERE id = ?').get(id);
  }

  beforeAll(async () => {
    // Made here, not at collection: a filtered-out describe would never remove it.
    dir = mkdtempSync(join(tmpdir(), 'edt-bsqlite-'));
    file = join(dir, 'app.db');
    db = new Database(file);
    db.exec(`CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
      CREATE TABLE posts (id integer PRIMARY KEY, author_id int, title text);
      INSERT INTO authors (name) VALUES ('a1'), ('a2'), ('a3');
      INSERT INTO posts (author_id, title) VALUES (2, 'p1'), (3, 'p2'), (1, 'p3'), (2, 'p4');`);
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    app.get('/posts', (_req, res) => {
      const posts = db.prepare('SELECT id, author_id, title FROM posts ORDER BY id').all() as { author_id: number }[];
      const authors = posts.map((post) => loadAuthor(post.author_id));
      res.json({ posts: posts.length, authors: authors.length });
    });
    app.get('/shapes', (_req, res) => {
      db.prepare('SELECT name FROM authors WHERE id = ?').get(1);
      db.prepare('SELECT name FROM authors WHERE id IN (?, ?)').all([1, 2]);
      db.prepare('SELECT name FROM authors WHERE id = @id').get({ id: 3 });
      const bound = db.prepare('SELECT name FROM authors WHERE id > ?').bind(1);
      bound.all();
      let seen = 0;
      for (const _row of db.prepare('SELECT id FROM authors').iterate()) seen += 1;
      for (const _row of db.prepare('SELECT id FROM posts').iterate()) break;
      const rename = db.transaction((id: number, name: string) => {
        db.prepare('UPDATE authors SET name = ? WHERE id = ?').run(name, id);
      });
      rename(3, 'renamed');
      db.exec('UPDATE posts SET title = title');
      try {
        db.prepare('INSERT INTO authors (id, name) VALUES (?, ?)').run(1, 'duplicate');
      } catch {
        // recorded as a failed query
      }
      try {
        db.prepare('SELECT nope FROM nowhere').all();
      } catch {
        // prepare failed: recorded too
      }
      res.json({ seen });
    });
    app.get('/plain', (_req, res) => {
      db.prepare('SELECT ? AS inside').get(1);
      res.json({});
    });
    app.get('/memory', (_req, res) => {
      const memory = new Database(':memory:');
      memory.prepare('SELECT 1 AS one').get();
      memory.close();
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records 1 + N statements with params, row counts, the call site and the N+1', async () => {
    const { detail } = await fetchRecorded(server.url, '/posts');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT id, author_id, title FROM posts ORDER BY id', [], 4],
      ['SELECT id, name FROM authors WHERE id = ?', [2], 1],
      ['SELECT id, name FROM authors WHERE id = ?', [3], 1],
      ['SELECT id, name FROM authors WHERE id = ?', [1], 1],
      ['SELECT id, name FROM authors WHERE id = ?', [2], 1],
    ]);
    for (const query of detail.panels.sql!.queries) {
      expect(query.callSite?.file).toBe(THIS_FILE);
      expect(query.durationMs).not.toBeNull();
      expect(query.db).toEqual({ dialect: 'sqlite', driver: 'better-sqlite3', database: file, explainKey: `better-sqlite3:${file}` });
    }
    expect(detail.panels.sql!.queries[1].callSite?.function).toBe('loadAuthor');
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    expect(detail.panels.sql!.nPlusOne[0].count).toBe(4);
  });

  it('records get/all/iterate/bind/named params, transactions, exec and errors', async () => {
    const { detail } = await fetchRecorded(server.url, '/shapes');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT name FROM authors WHERE id = ?', [1], 1],
      ['SELECT name FROM authors WHERE id IN (?, ?)', [1, 2], 2],
      ['SELECT name FROM authors WHERE id = @id', ['{"id":3}'], 1],
      ['SELECT name FROM authors WHERE id > ?', [1], 2],
      ['SELECT id FROM authors', [], 3],
      ['SELECT id FROM posts', [], 1],
      ['BEGIN', [], 0],
      ['UPDATE authors SET name = ? WHERE id = ?', ['renamed', 3], 1],
      ['COMMIT', [], 0],
      ['UPDATE posts SET title = title', [], null],
      ['INSERT INTO authors (id, name) VALUES (?, ?)', [1, 'duplicate'], null],
      ['SELECT nope FROM nowhere', [], null],
    ]);
    expect(detail.panels.sql!.queries[10].error).toMatch(/UNIQUE/);
    expect(detail.panels.sql!.queries[11].error).toMatch(/nowhere/);
    expect(detail.panels.sql!.queries.slice(0, 10).every((q) => q.error === undefined && q.durationMs !== null)).toBe(true);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('does not attach statements run outside a request', async () => {
    db.prepare('SELECT 42 AS outside').get();
    const { detail } = await fetchRecorded(server.url, '/plain');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT ? AS inside']);
  });

  it('registers a read-only explain target on the same file', async () => {
    const target = explainTarget(`better-sqlite3:${file}`)!;
    expect(target.dialect).toBe('sqlite');
    expect(await target.withConnection((run) => run('SELECT ? AS one', [1]))).toEqual([{ one: 1 }]);
    const plan = await target.withConnection((run) => run('EXPLAIN QUERY PLAN SELECT * FROM authors WHERE id = ?', [1]));
    expect(JSON.stringify(plan)).toMatch(/SEARCH authors/);
    await expect(target.withConnection((run) => run('DELETE FROM authors'))).rejects.toThrow(/readonly/);
  });

  it('gives in-memory databases no explain key, and patches once', async () => {
    const { detail } = await fetchRecorded(server.url, '/memory');
    expect(detail.panels.sql!.queries.map((q) => q.db)).toEqual([{ dialect: 'sqlite', driver: 'better-sqlite3', database: ':memory:' }]);
    const memory = new Database(':memory:');
    const run = Object.getPrototypeOf(memory.prepare('SELECT 1')).run;
    debugToolbar({ instrument: { betterSqlite3: memory } });
    expect(Object.getPrototypeOf(memory.prepare('SELECT 1')).run).toBe(run);
    memory.close();
    expect(() => debugToolbar({ instrument: { betterSqlite3: {} } })).toThrow(/better-sqlite3/);
  });
});

function call<T = unknown>(run: (done: (error: Error | null, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result as T))));
}

describe('sqlite3 on Express 5', () => {
  let dir: string;
  let file: string;
  let db: sqlite3.Database;
  let server: Awaited<ReturnType<typeof listen>>;

  function loadAuthor(id: number) {
    return call((done) => db.get('SELECT id, name FROM authors WHERE id = ?', [id], done));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-sqlite3-'));
    file = join(dir, 'app.db');
    db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
    });
    await call((done) => db.exec(`CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
      CREATE TABLE posts (id integer PRIMARY KEY, author_id int, title text);
      INSERT INTO authors (name) VALUES ('a1'), ('a2'), ('a3');
      INSERT INTO posts (author_id, title) VALUES (2, 'p1'), (3, 'p2'), (1, 'p3');`, done));
    const app = express5();
    app.use(debugToolbar({ instrument: { sqlite3 } }));
    app.get('/posts', async (_req, res) => {
      const posts = await call<{ author_id: number }[]>((done) => db.all('SELECT id, author_id, title FROM posts ORDER BY id', done));
      for (const post of posts) await loadAuthor(post.author_id);
      res.json({ posts: posts.length });
    });
    app.get('/database-shapes', async (_req, res) => {
      await call((done) => db.get('SELECT name FROM authors WHERE id = ?', 1, done));
      await call((done) => db.all('SELECT name FROM authors WHERE id IN (?, ?)', [1, 2], done));
      await call((done) => db.all('SELECT name FROM authors WHERE id = $id', { $id: 3 }, done));
      const changes = await new Promise<number>((resolve, reject) => {
        db.run('UPDATE authors SET name = name WHERE id > ?', [1], function (this: sqlite3.RunResult, error: Error | null) {
          return error ? reject(error) : resolve(this.changes);
        });
      });
      let rows = 0;
      await call((done) => db.each('SELECT id FROM authors', () => { rows += 1; }, done));
      await new Promise<void>((resolve) => {
        db.serialize(() => {
          db.each('SELECT id FROM posts', () => undefined);
          db.run('UPDATE posts SET title = title');
          db.get('SELECT 1 AS last', () => resolve());
        });
      });
      await call((done) => db.exec('UPDATE posts SET title = title; SELECT 1', done));
      await call((done) => db.all('SELECT nope FROM nowhere', done)).catch(() => undefined);
      await call((done) => db.run('INSERT INTO authors (id, name) VALUES (?, ?)', [1, 'duplicate'], done)).catch(() => undefined);
      // A query from inside a callback belongs to the same request.
      await new Promise<void>((resolve) => db.get('SELECT 2 AS outer_q', () => db.get('SELECT 3 AS inner_q', () => resolve())));
      res.json({ changes, rows });
    });
    app.get('/statement-shapes', async (_req, res) => {
      const statement = db.prepare('SELECT name FROM authors WHERE id = ?');
      await call((done) => statement.get(1, done));
      await call((done) => statement.all([2], done));
      statement.bind(3);
      await call((done) => statement.all(done));
      let rows = 0;
      await call((done) => statement.each(1, () => { rows += 1; }, done));
      await call((done) => statement.finalize(done));
      const insert = db.prepare('INSERT INTO posts (author_id, title) VALUES ($author, $title)');
      await call((done) => insert.run({ $author: 1, $title: 'new' }, done));
      await call((done) => insert.finalize(done));
      await new Promise<void>((resolve) => {
        const broken = db.prepare('SELECT nope FROM nowhere2', () => resolve());
        broken.all(() => undefined);
      });
      res.json({ rows });
    });
    app.get('/concurrent/:n', async (req, res) => {
      const n = Number(req.params.n);
      await call((done) => db.get('SELECT ? AS n', [n], done));
      await call((done) => db.each('SELECT ? AS n', [n], () => undefined, done));
      const statement = db.prepare('SELECT ? AS n');
      await call((done) => statement.all(n, done));
      statement.finalize();
      res.json({ n });
    });
    app.get('/plain', async (_req, res) => {
      await call((done) => db.get('SELECT ? AS inside', [1], done));
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    if (db) await call((done) => db.close(done));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records 1 + N queries with params, row counts, the call site and the N+1', async () => {
    const { detail } = await fetchRecorded(server.url, '/posts');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT id, author_id, title FROM posts ORDER BY id', [], 3],
      ['SELECT id, name FROM authors WHERE id = ?', [2], 1],
      ['SELECT id, name FROM authors WHERE id = ?', [3], 1],
      ['SELECT id, name FROM authors WHERE id = ?', [1], 1],
    ]);
    for (const query of detail.panels.sql!.queries) {
      expect(query.callSite?.file).toBe(THIS_FILE);
      expect(query.db).toEqual({ dialect: 'sqlite', driver: 'sqlite3', database: file, explainKey: `sqlite3:${file}` });
    }
    // The innermost user frame is the arrow handed to call() inside loadAuthor: anonymous.
    expect(new Set(detail.panels.sql!.queries.slice(1).map((q) => q.callSite?.line)).size).toBe(1);
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    expect(detail.panels.sql!.nPlusOne[0].count).toBe(3);
  });

  it('records every Database method, with and without callbacks, and errors', async () => {
    const { detail } = await fetchRecorded(server.url, '/database-shapes');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT name FROM authors WHERE id = ?', [1], 1],
      ['SELECT name FROM authors WHERE id IN (?, ?)', [1, 2], 2],
      ['SELECT name FROM authors WHERE id = $id', ['{"$id":3}'], 1],
      ['UPDATE authors SET name = name WHERE id > ?', [1], 2],
      ['SELECT id FROM authors', [], 3],
      ['SELECT id FROM posts', [], 3],
      ['UPDATE posts SET title = title', [], 3],
      ['SELECT 1 AS last', [], 1],
      ['UPDATE posts SET title = title; SELECT 1', [], null],
      ['SELECT nope FROM nowhere', [], null],
      ['INSERT INTO authors (id, name) VALUES (?, ?)', [1, 'duplicate'], null],
      ['SELECT 2 AS outer_q', [], 1],
      ['SELECT 3 AS inner_q', [], 1],
    ]);
    expect(detail.panels.sql!.queries[9].error).toMatch(/nowhere/);
    expect(detail.panels.sql!.queries[10].error).toMatch(/UNIQUE/);
    expect(detail.panels.sql!.queries.every((q) => q.durationMs !== null)).toBe(true);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE)).toBe(true);
  });

  it('records prepared statements, with bound and named params, and a failed prepare', async () => {
    const { detail } = await fetchRecorded(server.url, '/statement-shapes');
    expect(detail.panels.sql!.queries.map((q) => [q.sql, q.params, q.rowCount])).toEqual([
      ['SELECT name FROM authors WHERE id = ?', [1], 1],
      ['SELECT name FROM authors WHERE id = ?', [2], 1],
      ['SELECT name FROM authors WHERE id = ?', [3], 1],
      ['SELECT name FROM authors WHERE id = ?', [1], 1],
      ['INSERT INTO posts (author_id, title) VALUES ($author, $title)', ['{"$author":1,"$title":"new"}'], 1],
      ['SELECT nope FROM nowhere2', [], null],
    ]);
    expect(detail.panels.sql!.queries[5].error).toMatch(/nowhere2/);
    expect(detail.panels.sql!.queries.every((q) => q.callSite?.file === THIS_FILE && q.durationMs !== null)).toBe(true);
  });

  it('files 30 concurrent requests under their own records', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, (_, n) => fetch(`${server.url}/concurrent/${n}`)));
    for (const [n, response] of responses.entries()) {
      const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
      expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([[n], [n], [n]]);
    }
  });

  it('does not attach queries run outside a request', async () => {
    await call((done) => db.get('SELECT 42 AS outside', done));
    const { detail } = await fetchRecorded(server.url, '/plain');
    expect(detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT ? AS inside']);
  });

  it('registers a read-only explain target on the same file', async () => {
    const target = explainTarget(`sqlite3:${file}`)!;
    expect(target.dialect).toBe('sqlite');
    expect(await target.withConnection((run) => run('SELECT ? AS one', [1]))).toEqual([{ one: 1 }]);
    await expect(target.withConnection((run) => run('DELETE FROM authors'))).rejects.toThrow(/readonly/);
  });
});
