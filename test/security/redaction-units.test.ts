import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import pg from 'pg';
import { debugToolbar, recordTask } from '../../server/index.js';
import type { RequestDetail, RequestListResponse } from '../../server/types.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { listen, waitForRecord } from '../support/http.js';

/*
 * Work that is not a request (a task) is redacted like a request: values compared to secret
 * columns are hidden wherever the task carries them, and its findings come from the real values.
 */

const pgUp = await postgresAvailable();
const SECRET = 'hunter2-S3CRET-value';
const TOKENS = ['tok-aaaa-1111', 'tok-bbbb-2222', 'tok-cccc-3333'];

describe.skipIf(!pgUp)('a recorded task, pg', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    schema = await createTestSchema('edt_redact_units');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(`CREATE TABLE users (id serial PRIMARY KEY, password text); CREATE TABLE audit (what text);
      CREATE TABLE api_tokens (token text PRIMARY KEY, user_id int);
      INSERT INTO api_tokens VALUES ${TOKENS.map((token, i) => `('${token}', ${i + 1})`).join(', ')}`);
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('hides the password in the audit write and keeps one N+1 over the tokens, no duplicate', async () => {
    await recordTask('nightly token check', async () => {
      await pool.query('SELECT id FROM users WHERE md5($1) = md5(password)', [SECRET]);
      await pool.query('INSERT INTO audit (what) VALUES ($1)', [`checked ${SECRET}`]);
      for (const token of TOKENS) await pool.query('SELECT user_id FROM api_tokens WHERE token = $1', [token]);
    });
    let found: RequestListResponse['requests'][number] | undefined;
    for (let i = 0; i < 200 && !found; i++) {
      const list = (await (await fetch(`${server.url}/__toolbar/api/requests?kind=task`)).json()) as RequestListResponse;
      found = list.requests.find((r) => r.url === 'nightly token check');
      if (!found) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const detail: RequestDetail = await waitForRecord(server.url, found!.id);
    const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${found!.id}`)).text();
    expect(raw).not.toContain(SECRET);
    for (const token of TOKENS) expect(raw).not.toContain(token);
    expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([['[redacted]'], ['checked [redacted]'], ['[redacted]'], ['[redacted]'], ['[redacted]']]);
    expect(detail.panels.sql!.duplicates).toEqual([]);
    expect(detail.panels.sql!.nPlusOne.map((group) => group.count)).toEqual([3]);
  });
});
