import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { PGlite } from '@electric-sql/pglite';
import { debugToolbar } from '../../../../server/index.js';
import { fetchRecorded, listen } from '../../../support/http.js';
import { postExplain } from '../../../support/explain.js';

describe('POST /api/sql/explain with PGlite', () => {
  const db = new PGlite();
  let server: Awaited<ReturnType<typeof listen>>;
  const recorded: Record<string, { requestId: string; queryId: number }> = {};
  const count = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM counters')).rows[0].n);

  beforeAll(async () => {
    await db.exec(`CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text, created_at int);
      INSERT INTO posts (author_id, title, created_at) SELECT i % 100, 'post ' || i, i FROM generate_series(1, 12000) i;
      ANALYZE posts;
      CREATE TABLE counters (id serial PRIMARY KEY, n int);`);
    const app = express();
    app.use(debugToolbar({ instrument: { pglite: db } }));
    app.get('/by-author', async (_req, res) => {
      await db.query('SELECT id, title FROM posts WHERE author_id = $1', [3]);
      res.json({});
    });
    app.get('/in-transaction', async (_req, res) => {
      await db.transaction(async (tx) => {
        await tx.query('SELECT id FROM posts ORDER BY created_at DESC LIMIT 5');
      });
      res.json({});
    });
    app.get('/insert', async (_req, res) => {
      await db.query('INSERT INTO counters (n) VALUES ($1)', [1]);
      res.json({});
    });
    app.get('/broken', async (_req, res) => {
      await db.query('SELECT nope FROM nowhere').catch(() => undefined);
      res.json({});
    });
    server = await listen(app);
    for (const path of ['/by-author', '/in-transaction', '/insert', '/broken']) {
      const { id, detail } = await fetchRecorded(server.url, path);
      recorded[path] = { requestId: id, queryId: detail.panels.sql!.queries[0].id };
      expect(detail.panels.sql!.queries[0].db).toEqual({ dialect: 'postgres', driver: 'pglite', explainKey: expect.stringMatching(/^pglite:\d+$/) });
    }
  }, 90_000); // PGlite boots its WASM Postgres here: slow on a busy machine.

  afterAll(async () => {
    await server?.close();
    await db.close();
  });

  it('explains a query and suggests the index', async () => {
    const { status, body } = await postExplain(server.url, recorded['/by-author']);
    expect(status).toBe(200);
    expect(body.nodes[0]).toMatchObject({ operation: 'Seq Scan', relation: 'posts', filter: '(author_id = 3)' });
    expect(body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_author_id_idx ON posts (author_id);']);
  });

  it('runs ANALYZE of a SELECT with actual rows', async () => {
    const { status, body } = await postExplain(server.url, { ...recorded['/by-author'], analyze: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ analyzed: true, nodes: [{ operation: 'Seq Scan', actualRows: 120 }] });
  });

  it('explains a query recorded inside a transaction', async () => {
    const { status, body } = await postExplain(server.url, recorded['/in-transaction']);
    expect(status).toBe(200);
    expect(body.suggestions.map((s: { code: string }) => s.code)).toEqual(['CREATE INDEX posts_created_at_idx ON posts (created_at);']);
  });

  it('refuses ANALYZE of an INSERT; plain EXPLAIN of it inserts nothing', async () => {
    const before = await count();
    expect((await postExplain(server.url, { ...recorded['/insert'], analyze: true })).status).toBe(400);
    const plain = await postExplain(server.url, recorded['/insert']);
    expect(plain.status).toBe(200);
    expect(plain.body.nodes[0]).toMatchObject({ operation: 'Insert', relation: 'counters' });
    expect(await count()).toBe(before);
  });

  it('ends its read-only transaction after a database error: the app writes again', async () => {
    const { status, body } = await postExplain(server.url, recorded['/broken']);
    expect(status).toBe(502);
    expect(body.error).toMatch(/relation "nowhere" does not exist/);
    const before = await count();
    await db.query('INSERT INTO counters (n) VALUES (2)');
    expect(await count()).toBe(before + 1);
  });

  it('keeps the app\'s concurrent writes out of its read-only transaction', async () => {
    const before = await count();
    const [explained, ...writes] = await Promise.all([
      postExplain(server.url, { ...recorded['/by-author'], analyze: true }),
      ...Array.from({ length: 5 }, (_, i) => db.query('INSERT INTO counters (n) VALUES ($1)', [i])),
    ]);
    expect(explained.status).toBe(200);
    expect(writes).toHaveLength(5);
    expect(await count()).toBe(before + 5);
  });
});
