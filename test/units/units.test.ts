import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { debugToolbar, recordTask } from '../../server/index.js';
import type { RequestDetail, RequestListResponse } from '../../server/types.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { fetchRecorded, waitForRecord } from '../support/http.js';
import { postExplain } from '../support/explain.js';

const available = await postgresAvailable();

/**
 * Issue 13: work that is not a request. A job wrapped in recordTask, a socket.io event handler
 * and a timer each get an entry of their own kind in History, with their queries and findings.
 */
describe.skipIf(!available)('tasks, socket events and background queries', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let base: string;
  let io: Server;
  const httpServer = createServer();

  const list = async (query = '') => (await (await fetch(`${base}/__toolbar/api/requests${query}`)).json()) as RequestListResponse;
  const detailOf = (id: string) => waitForRecord(base, id);
  async function entry(query: string, name: string): Promise<RequestDetail> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = (await list(query)).requests.find((r) => r.url === name || r.url.startsWith(name));
      if (found) return detailOf(found.id);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no ${query} entry named ${name}`);
  }

  async function emailDigest(userIds: number[]) {
    // An N+1 in a job: one lookup per user.
    for (const id of userIds) await pool.query('SELECT name FROM users WHERE id = $1', [id]);
    return userIds.length;
  }

  beforeAll(async () => {
    schema = await createTestSchema('edt_units');
    pool = new pg.Pool({ ...schema.connection, max: 4 });
    await pool.query('CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT i, $$user $$ || i FROM generate_series(1, 10) i');
    io = new Server(httpServer);
    const app = express();
    app.use(debugToolbar({ instrument: { pg, socketIo: io } }));
    app.get('/page', async (_req, res) => res.json((await pool.query('SELECT count(*) FROM users')).rows));
    httpServer.on('request', app);
    io.on('connection', (socket) => {
      socket.on('dashboard', async (ids: number[], ack: (names: string[]) => void) => {
        const names: string[] = [];
        for (const id of ids) names.push((await pool.query('SELECT name FROM users WHERE id = $1', [id])).rows[0].name);
        ack(names);
      });
      const removed = () => pool.query('SELECT 1 AS never');
      socket.on('removed', removed);
      socket.off('removed', removed);
      socket.once('hello', async (ack: (n: number) => void) => ack((await pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n));
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    io?.close();
    await new Promise((resolve) => httpServer.close(resolve));
    await pool?.end();
    await schema?.drop();
  });

  it('records a recordTask job as a task entry with its queries and its N+1, and returns what the job returns', async () => {
    expect(await recordTask('email digest', () => emailDigest([1, 2, 3, 4]))).toBe(4);
    const detail = await entry('?kind=task', 'email digest');
    expect(detail).toMatchObject({ kind: 'task', method: 'TASK', url: 'email digest', queryCount: 4, nPlusOneCount: 1 });
    expect(detail.panels.sql!.nPlusOne[0].callSite?.file).toMatch(/units\.test\.ts$/);
    // In the default History too (only background is left out).
    expect((await list()).requests.some((r) => r.id === detail.id && r.kind === 'task')).toBe(true);
    expect((await list('?kind=request')).requests.some((r) => r.id === detail.id)).toBe(false);
  });

  it('recordTask rethrows what the job throws, untouched, and keeps the error; wrap() names each call', async () => {
    const failure = new Error('smtp down');
    await expect(recordTask('failing job', async () => {
      await pool.query('SELECT 1 AS tried');
      throw failure;
    })).rejects.toBe(failure);
    const failed = await entry('?kind=task', 'failing job');
    expect(failed.error?.message).toBe('smtp down');
    expect(failed.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT 1 AS tried']);

    const handler = recordTask.wrap((job: { id: number }) => `email ${job.id}`, async (job: { id: number }) => emailDigest([job.id]));
    expect(await handler({ id: 7 })).toBe(1);
    expect((await entry('?kind=task', 'email 7')).panels.sql!.queries).toHaveLength(1);
  });

  it('records a socket.io event handler as a socket entry, keeps its ack, and leaves removed listeners removed', async () => {
    const client = connect(base, { transports: ['websocket'], forceNew: true });
    try {
      const names = await new Promise<string[]>((resolve) => client.emit('dashboard', [1, 2, 3, 4, 5], resolve));
      expect(names).toEqual(['user 1', 'user 2', 'user 3', 'user 4', 'user 5']);
      const detail = await entry('?kind=socket', 'dashboard');
      expect(detail).toMatchObject({ kind: 'socket', method: 'SOCKET', queryCount: 5, nPlusOneCount: 1 });
      client.emit('removed');
      const names2 = await new Promise<string[]>((resolve) => client.emit('dashboard', [6], resolve));
      expect(names2).toEqual(['user 6']);
      expect((await list('?kind=socket')).requests.some((r) => r.url === 'removed')).toBe(false);
      // A once() listener is one entry, with its query, not one per wrapper.
      expect(await new Promise<number>((resolve) => client.emit('hello', resolve))).toBe(10);
      const hello = await entry('?kind=socket', 'hello');
      expect(hello.panels.sql!.queries).toHaveLength(1);
      expect((await list('?kind=socket')).requests.filter((r) => r.url === 'hello')).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('keeps queries outside any request in the background stream, grouped by the line that ran them, never in a request', async () => {
    const timer = setInterval(() => void pool.query('SELECT count(*) AS heartbeat FROM users'), 20);
    const page = await fetchRecorded(base, '/page');
    await new Promise((resolve) => setTimeout(resolve, 120));
    clearInterval(timer);
    expect(page.detail.panels.sql!.queries.map((q) => q.sql)).toEqual(['SELECT count(*) FROM users']);
    const detail = await entry('?kind=background', fileURLToPath(import.meta.url));
    expect(detail.kind).toBe('background');
    expect(detail.panels.sql!.queries.length).toBeGreaterThan(0);
    expect(detail.panels.sql!.queries.every((q) => q.sql === 'SELECT count(*) AS heartbeat FROM users')).toBe(true);
    expect(detail.url).toMatch(/units\.test\.ts:\d+/);
    expect((await list()).requests.some((r) => r.kind === 'background')).toBe(false);
  });

  it('never records the toolbar\'s own EXPLAIN, not even as background', async () => {
    const { id, detail } = await fetchRecorded(base, '/page');
    const before = (await list('?kind=background')).requests.length;
    expect((await postExplain(base, { requestId: id, queryId: detail.panels.sql!.queries[0].id })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await list('?kind=background');
    expect(after.requests.length).toBe(before);
    expect(after.requests.some((r) => r.url.includes('explain'))).toBe(false);
  });

  it('refuses an unknown kind with a 400', async () => {
    const response = await fetch(`${base}/__toolbar/api/requests?kind=cron`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/`kind` must be one of request, task, socket, background/);
  });
});
