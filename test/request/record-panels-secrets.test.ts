import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import http from 'node:http';
import Database from 'better-sqlite3';
import { debugToolbar } from '../../server/index.js';
import { memoryStore } from '../../server/store/memory-store.js';
import { fetchRecorded, listen } from '../support/http.js';

/*
 * Review of the panel-contract move: the panels' parts were attached to the record after the
 * queries' secrets were hidden in the rest of it, so a password the SQL showed to be secret stayed
 * in the timeline's span of an outbound call; and the SQL panel's read cache served one toolbar's
 * findings to another sharing the store.
 */

const SECRET = 'hunter2-very-secret';

describe("the panels' parts of a stored record", () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let upstream: http.Server;
  let upstreamPort = 0;

  beforeAll(async () => {
    upstream = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as { port: number }).port;
    const db = new Database(':memory:');
    db.exec('CREATE TABLE users (id integer PRIMARY KEY, password text)');
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database }, afterResponseMs: 0 }));
    app.get('/signup', (_req, res) => {
      db.prepare('INSERT INTO users (password) VALUES (?)').run(SECRET);
      // The app then sends the same value somewhere else: the span of that call names it.
      http.get(`http://127.0.0.1:${upstreamPort}/verify/${SECRET}`, (answer) => {
        answer.resume();
        answer.on('end', () => res.send('<html><body>done</body></html>'));
      });
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('hide what the queries showed to be secret, the timeline included', async () => {
    const { detail } = await fetchRecorded(server.url, '/signup');
    const spans = detail.panels.timeline!.spans;
    expect(spans.some((span) => span.kind === 'http')).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(SECRET);
    expect(detail.panels.sql!.queries[0].params).toEqual(['[redacted]']);
  });
});

describe('two toolbars sharing one store', () => {
  it("each reads a record's findings with its own threshold and budget", async () => {
    const store = memoryStore({ capacity: 10 });
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id integer PRIMARY KEY)');
    const app = (nPlusOneThreshold: number, queryBudget: number) => {
      const a = express();
      a.use(debugToolbar({ instrument: { betterSqlite3: Database }, store, nPlusOneThreshold, queryBudget }));
      a.get('/loop', (_req, res) => {
        for (let id = 1; id <= 4; id++) db.prepare('SELECT * FROM t WHERE id = ?').get(id);
        res.json({});
      });
      return a;
    };
    const strict = await listen(app(3, 2));
    const lenient = await listen(app(10, 100));
    try {
      const { id } = await fetchRecorded(lenient.url, '/loop');
      // The lenient toolbar reads it first; the strict one must still see its own findings.
      const lenientDetail = await (await fetch(`${lenient.url}/__toolbar/api/requests/${id}`)).json();
      const strictDetail = await (await fetch(`${strict.url}/__toolbar/api/requests/${id}`)).json();
      expect(lenientDetail.panels.sql.nPlusOne).toHaveLength(0);
      expect(lenientDetail.panels.sql.queryBudget).toBe(100);
      expect(lenientDetail).not.toHaveProperty('overBudget');
      expect(strictDetail.panels.sql.nPlusOne).toHaveLength(1);
      expect(strictDetail.panels.sql.queryBudget).toBe(2);
      expect(strictDetail.overBudget).toBe(true);
    } finally {
      await strict.close();
      await lenient.close();
      db.close();
    }
  });
});
