import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import pg from 'pg';
import mysql from 'mysql2';
import { debugToolbar } from '../../server/index.js';
import type { RequestDetail } from '../../server/types.js';
import { listen, waitForRecord } from '../support/http.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../support/mysql.js';

/*
 * Issue 16 part 4: places a password or token reached the record, History and the live stream
 * although the toolbar redacts. Each app is real (Express 4 and 5, pg on PostgreSQL, mysql2 on
 * MariaDB), and each check reads the raw JSON the API serves, so nothing can hide in a field the
 * test forgot.
 */

const SECRET = 'hunter2-S3CRET-value';

type Server = Awaited<ReturnType<typeof listen>>;

/** Reads one SSE `request` event while `run` makes the request. */
async function liveEvent(server: Server, run: () => Promise<string>): Promise<string> {
  const abort = new AbortController();
  const stream = await fetch(`${server.url}/__toolbar/api/events`, { signal: abort.signal });
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!text.includes(': connected')) text += decoder.decode((await reader.read()).value, { stream: true });
    const id = await run();
    while (!new RegExp(`event: request\\nid: ${id}\\ndata: [^\\n]+\\n\\n`).test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before the event of ${id}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  } finally {
    abort.abort();
    await reader.cancel().catch(() => {});
  }
}

/** Requests `path`; returns its record (raw and parsed), the History list and the live event, as served. */
async function served(server: Server, path: string) {
  let id = '';
  const event = await liveEvent(server, async () => {
    const response = await fetch(server.url + path, { redirect: 'manual' });
    await response.text();
    id = response.headers.get('x-debug-toolbar-id')!;
    return id;
  });
  await waitForRecord(server.url, id);
  const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
  const list = await (await fetch(`${server.url}/__toolbar/api/requests`)).text();
  return { raw, list, event, detail: JSON.parse(raw) as RequestDetail };
}

const pgUp = await postgresAvailable();

describe.skipIf(!pgUp).each([
  ['Express 5', express],
  ['Express 4', express4 as unknown as typeof express],
])('pg on %s', (_name, makeApp) => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Server;

  beforeAll(async () => {
    schema = await createTestSchema('edt_leaks');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query(`CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE, password text);
      CREATE TABLE audit (id serial PRIMARY KEY, what text)`);
    const app = makeApp();
    app.use(debugToolbar({ instrument: { pg }, afterResponseMs: 300 }));
    app.get('/login-late', async (req, res) => {
      const password = String(req.query.p);
      await pool.query('INSERT INTO audit (what) VALUES ($1)', [`attempt with ${password}`]);
      res.json({});
      // After the response (still recorded): the comparison that shows the value is a password,
      // and the same value written again.
      await pool.query('SELECT id FROM users WHERE md5($1) = md5(password)', [password]);
      await pool.query('INSERT INTO audit (what) VALUES ($1)', [password]);
    });
    app.get('/login', async (req, res) => {
      const password = String(req.query.p);
      // Compared through a function on both sides, then written to an audit table whose column
      // name says nothing, as a value and inside a sentence.
      const { rows } = await pool.query('SELECT id FROM users WHERE email = $1 AND md5($2) = md5(password)', ['a@b.test', password]);
      await pool.query('SELECT id FROM users WHERE $1::text = password OR CAST($1 AS text) = password', [password]);
      await pool.query('INSERT INTO audit (what) VALUES ($1)', [password]);
      await pool.query('INSERT INTO audit (what) SELECT $1', [`login ${rows.length ? 'ok' : 'failed'} with ${password}`]);
      res.json({ found: rows.length });
    });
    app.get('/login-error', async (req, res, next) => {
      try {
        const password = String(req.query.p);
        await pool.query('SELECT id FROM users WHERE md5($1) = md5(password)', [password]);
        // A driver error that quotes the value, passed on to the app's error handler.
        await pool.query('SELECT $1::int', [password]);
        res.json({});
      } catch (error) {
        next(error);
      }
    });
    app.get('/signup', async (req, res) => {
      await pool.query('INSERT INTO users (email, password) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = $1)',
        [String(req.query.e), String(req.query.p)]);
      res.json({});
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('INSERT … SELECT by position: the record, History and the live event never hold the password', async () => {
    const { raw, list, event, detail } = await served(server, `/signup?e=a@b.test&p=${SECRET}`);
    for (const text of [raw, list, event]) expect(text).not.toContain(SECRET);
    expect(detail.panels.sql!.queries[0].params).toEqual(['a@b.test', '[redacted]']);
    // The app's data is untouched: only the record is redacted.
    expect((await pool.query('SELECT password FROM users WHERE email = $1', ['a@b.test'])).rows).toEqual([{ password: SECRET }]);
  });

  it('a driver error that quotes the password is stored without it, on the query and as the request error', async () => {
    const response = await fetch(`${server.url}/login-error?p=${SECRET}`);
    expect(response.status).toBe(500);
    await response.text();
    const id = response.headers.get('x-debug-toolbar-id')!;
    const detail = await waitForRecord(server.url, id);
    const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
    expect(raw).not.toContain(SECRET);
    expect(detail.panels.sql!.queries[1].error).toBe('invalid input syntax for type integer: "[redacted]"');
    expect(detail.error?.message).toBe('invalid input syntax for type integer: "[redacted]"');
  });

  it('queries run after the response are redacted with the rest, and what they show secret is hidden in the earlier ones', async () => {
    const response = await fetch(`${server.url}/login-late?p=${SECRET}`);
    await response.text();
    const id = response.headers.get('x-debug-toolbar-id')!;
    let detail = await waitForRecord(server.url, id);
    for (let i = 0; i < 200 && !(detail.afterResponseCount === 2 && detail.panels.sql!.queries.every((q) => q.durationMs !== null)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      detail = await waitForRecord(server.url, id);
    }
    const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
    const list = await (await fetch(`${server.url}/__toolbar/api/requests`)).text();
    for (const text of [raw, list]) expect(text).not.toContain(SECRET);
    expect(detail.panels.sql!.queries.map((q) => [q.params, q.afterResponse ?? false])).toEqual([
      [['attempt with [redacted]'], false], [['[redacted]'], true], [['[redacted]'], true],
    ]);
    expect(detail.url).toBe('/login-late?p=[redacted]');
  });

  it('md5($1) = md5(password), casts, and the same value written to an audit table are all hidden', async () => {
    const { raw, list, event, detail } = await served(server, `/login?p=${SECRET}`);
    for (const text of [raw, list, event]) expect(text).not.toContain(SECRET);
    expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([
      ['a@b.test', '[redacted]'], ['[redacted]'], ['[redacted]'], [expect.stringMatching(/^login (ok|failed) with \[redacted\]$/)],
    ]);
    expect(detail.panels.sql!.queries.every((q) => q.redacted)).toBe(true);
    // `p` is no secret name; the value was shown secret by the query, so the URL hides it too.
    expect(detail.url).toBe('/login?p=[redacted]');
    const audit = (await pool.query('SELECT what FROM audit ORDER BY id DESC LIMIT 2')).rows.map((r) => r.what);
    expect(audit).toEqual([expect.stringMatching(new RegExp(`^login (ok|failed) with ${SECRET}$`)), SECRET]);
  });
});

const mysqlUp = await mysqlAvailable();

describe.skipIf(!mysqlUp)('mysql2 on MariaDB', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: mysql.Pool;
  let server: Server;

  beforeAll(async () => {
    database = await createTestDatabase('edt_leaks');
    pool = mysql.createPool({ ...database.connection, connectionLimit: 2 });
    const promise = pool.promise();
    await promise.query('CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100), api_token varchar(100))');
    await promise.query('CREATE TABLE audit (id int AUTO_INCREMENT PRIMARY KEY, what varchar(200))');
    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql } }));
    app.post('/token', async (_req, res) => {
      await promise.execute('INSERT INTO users (email, api_token) SELECT ?, ? FROM DUAL', ['a@b.test', SECRET]);
      await promise.query('SELECT id FROM users WHERE SHA2(?, 256) = SHA2(api_token, 256)', [SECRET]);
      await promise.execute('INSERT INTO audit (what) VALUES (?)', [`issued ${SECRET}`]);
      res.json({});
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await pool?.promise().end();
    await database?.drop();
  });

  it('hides the token bound through INSERT … SELECT, a function comparison and an audit line', async () => {
    let id = '';
    const event = await liveEvent(server, async () => {
      const response = await fetch(`${server.url}/token`, { method: 'POST' });
      await response.text();
      id = response.headers.get('x-debug-toolbar-id')!;
      return id;
    });
    const detail = await waitForRecord(server.url, id);
    const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
    for (const text of [raw, event]) expect(text).not.toContain(SECRET);
    expect(detail.panels.sql!.queries.map((q) => q.params)).toEqual([['a@b.test', '[redacted]'], ['[redacted]'], ['issued [redacted]']]);
  });
});

const RESET = 'r3set-T0ken-value';
const PUSH = 'pUsh-T0ken-value';
const NESTED = 'nested-T0ken-value';
const RANDOM = 'Zk9xQm2LpR7tWv3Y8sA1';

describe.each([
  ['Express 5', express],
  ['Express 4', express4 as unknown as typeof express],
])('secrets in URL paths and nested URLs on %s', (_name, makeApp) => {
  let server: Server;

  beforeAll(async () => {
    const app = makeApp();
    app.use(debugToolbar({}));
    app.get('/reset/:token', (_req, res) => res.send('<!doctype html><html><body>reset</body></html>'));
    app.get('/api/push/:token', (_req, res) => res.json({ ok: true }));
    app.get('/notify', async (_req, res) => {
      // An outbound call with the token in its path and in a URL nested in its query.
      const answer = await fetch(`${server.url}/api/push/${PUSH}?next=${encodeURIComponent(`/done?token=${NESTED}`)}`);
      res.json(await answer.json());
    });
    app.get('/go', (req, res) => res.redirect(String(req.query.to)));
    const router = express.Router();
    router.get('/', (_req, res) => res.json({}));
    app.use('/t/:token', router);
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    [`/reset/${RESET}`, `/reset/[redacted]`],
    [`/api/push/${PUSH}`, `/api/push/[redacted]`],
    [`/go?to=/done?token=${NESTED}`, `/go?to=/done?token=[redacted]`],
    [`/go?to=${encodeURIComponent(`/reset/${RESET}`)}`, `/go?to=%2Freset%2F[redacted]`],
    [`/t/${RANDOM}`, `/t/[redacted]`],
    ['/notify', '/notify'],
  ])('%s is stored as %s; no record, History line, live event, span or header holds a token', async (path, url) => {
    const { raw, list, event, detail } = await served(server, path);
    for (const text of [raw, list, event]) {
      for (const token of [RESET, PUSH, NESTED, RANDOM]) expect(text).not.toContain(token);
    }
    expect(detail.url).toBe(url);
    const spans = detail.panels.timeline!.spans.map((span) => `${span.kind} ${span.name} ${span.detail ?? ''}`);
    if (path === '/notify') expect(spans).toContain(`http GET ${server.url}/api/push/[redacted]?next=%2Fdone%3Ftoken%3D[redacted] 200`);
    if (path.startsWith('/t/')) expect(spans.some((span) => span.includes('mounted at /t/[redacted]'))).toBe(true);
  });

  it('a Referer with a reset link and a redirect to one are redacted like the URL', async () => {
    const response = await fetch(`${server.url}/go?to=/reset/${RESET}`, { redirect: 'manual', headers: { referer: `http://localhost/reset/${RESET}?from=mail` } });
    await response.text();
    const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
    expect(JSON.stringify(detail)).not.toContain(RESET);
    expect(detail.location).toBe('/reset/[redacted]');
    expect(detail.requestHeaders?.find((h) => h.name.toLowerCase() === 'referer')?.value).toBe('http://localhost/reset/[redacted]?from=mail');
  });
});
