import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar } from '../server/index.js';
import { createTestSchema, postgresAvailable } from './support/postgres.js';
import { fetchRecorded, listen, waitForRecord } from './support/http.js';

const available = await postgresAvailable();

describe.skipIf(!available)('a query still running when the response ends', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;
  let done: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    schema = await createTestSchema('edt_late');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/still-running', async (_req, res) => {
      const client = await pool.connect();
      done = client.query('SELECT pg_sleep(0.2) AS slow').finally(() => client.release());
      res.json({});
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  // Failed before capture.ts ignored completions after the response: the memory store showed a
  // duration while a Redis store kept null. A stored record is the snapshot of the response's end.
  it('keeps durationMs null in the stored record after the query completes', async () => {
    const { id, detail } = await fetchRecorded(server.url, '/still-running');
    expect(detail.queries[0].durationMs).toBeNull();
    await done;
    const after = await waitForRecord(server.url, id);
    expect(after.queries[0].durationMs).toBeNull();
  });
});
