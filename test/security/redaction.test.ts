import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import pg from 'pg';
import mysql from 'mysql2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugToolbar } from '../../server/index.js';
import { DEFAULT_REDACT_NAMES, isSecretName, nameMatcher } from '../../server/security/redact.js';
import { redactHeader } from '../../server/request/request-headers.js';
import type { RequestDetail } from '../../server/types.js';
import { listen, waitForRecord } from '../support/http.js';
import { postExplain } from '../support/explain.js';
import { createTestSchema, postgresAvailable } from '../support/postgres.js';
import { createTestDatabase, mysqlAvailable } from '../support/mysql.js';

/*
 * What the API serves never holds the secret: the stored record has `[redacted]` in its place,
 * for params, literals and headers, with each real driver.
 */

const SECRET = 'hunter2-S3CRET-value';
const TOKEN = 'tok-9f8e7d6c5b4a';

type Server = Awaited<ReturnType<typeof listen>>;

/** The page, then its record as raw JSON text (so nothing can hide in a field the test forgot) and parsed. */
async function record(server: Server, path: string, init?: RequestInit) {
  const response = await fetch(server.url + path, init);
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('x-debug-toolbar-id')!;
  await waitForRecord(server.url, id);
  const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
  const list = await (await fetch(`${server.url}/__toolbar/api/requests`)).text();
  return { id, raw, list, detail: JSON.parse(raw) as RequestDetail };
}

function expectNoSecret(...texts: string[]) {
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
  }
}

describe.each([
  ['Express 5', express],
  ['Express 4', express4 as unknown as typeof express],
])('better-sqlite3 on %s', (_name, makeApp) => {
  let dir: string;
  let db: Database.Database;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-redact-'));
    db = new Database(join(dir, 'app.db'));
    db.exec(`CREATE TABLE users (id integer PRIMARY KEY, email text, password_hash text, api_key text);
      CREATE INDEX users_email ON users (email);`);
    const app = makeApp();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    app.get('/signup', (_req, res) => {
      db.prepare('INSERT INTO users (email, password_hash, api_key) VALUES (?, ?, ?)').run('a@b.test', SECRET, TOKEN);
      db.prepare('INSERT INTO users (email, password_hash) VALUES (@email, @password)').run({ email: 'c@d.test', password: SECRET });
      db.exec(`INSERT INTO users (email, password_hash) VALUES ('e@f.test', '${SECRET}')`);
      res.json({ ok: true });
    });
    app.get('/login', (_req, res) => {
      const user = db.prepare('SELECT id FROM users WHERE email = ? AND password_hash = ?').get('a@b.test', SECRET);
      db.prepare('UPDATE users SET api_key = ? WHERE email = ?').run(TOKEN, 'a@b.test');
      res.setHeader('Set-Cookie', [`sid=${TOKEN}; Path=/; HttpOnly; SameSite=Lax`, 'theme=dark']);
      res.setHeader('X-Auth-Token', TOKEN);
      res.json({ found: Boolean(user) });
    });
    app.get('/oauth', (_req, res) => {
      res.setHeader('Content-Location', `/doc?token=${TOKEN}`);
      res.redirect(`/cb?access_token=${TOKEN}&state=ok`);
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores params and literals bound to secret columns as [redacted]; other values stay', async () => {
    const { raw, list, detail } = await record(server, '/signup');
    expectNoSecret(raw, list);
    expect(detail.panels.sql!.queries.map((q) => [q.params, q.redacted])).toEqual([
      [['a@b.test', '[redacted]', '[redacted]'], true],
      [[JSON.stringify({ email: 'c@d.test', password: '[redacted]' })], true],
      [[], true],
    ]);
    expect(detail.panels.sql!.queries[2].sql).toBe("INSERT INTO users (email, password_hash) VALUES ('e@f.test', '[redacted]')");
    // The app's data is untouched: only the record is redacted.
    expect(db.prepare('SELECT count(*) AS n FROM users WHERE password_hash = ?').get(SECRET)).toEqual({ n: 3 });
  });

  it('redacts Cookie, Authorization, X-Api-Key and Set-Cookie, keeping names, schemes and cookie attributes', async () => {
    const { raw, list, detail } = await record(server, '/login', {
      headers: { cookie: `sid=${TOKEN}; theme=dark`, authorization: `Bearer ${TOKEN}`, 'x-api-key': SECRET, accept: 'application/json' },
    });
    expectNoSecret(raw, list);
    const request = Object.fromEntries((detail.requestHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(request).toMatchObject({
      cookie: 'sid=[redacted]; theme=[redacted]', authorization: 'Bearer [redacted]', 'x-api-key': '[redacted]', accept: 'application/json',
    });
    const response = (detail.responseHeaders ?? []).map((h) => [h.name, h.value]);
    expect(response).toContainEqual(['Set-Cookie', 'sid=[redacted]; Path=/; HttpOnly; SameSite=Lax']);
    expect(response).toContainEqual(['Set-Cookie', 'theme=[redacted]']);
    expect(response).toContainEqual(['X-Auth-Token', '[redacted]']);
    expect(response).toContainEqual(['Content-Type', 'application/json; charset=utf-8']);
    expect(detail.panels.sql!.queries[0].params).toEqual(['a@b.test', '[redacted]']);
  });

  it('redacts tokens in URL-valued headers (Referer, Location, Content-Location) as in the recorded URL', async () => {
    const response = await fetch(`${server.url}/oauth`, { redirect: 'manual', headers: { referer: `http://127.0.0.1/reset?token=${TOKEN}&step=2` } });
    expect(response.status).toBe(302);
    const id = response.headers.get('x-debug-toolbar-id')!;
    const detail = await waitForRecord(server.url, id);
    const raw = await (await fetch(`${server.url}/__toolbar/api/requests/${id}`)).text();
    expectNoSecret(raw);
    const request = Object.fromEntries((detail.requestHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(request.referer).toBe('http://127.0.0.1/reset?token=[redacted]&step=2');
    const answer = Object.fromEntries((detail.responseHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(answer.location).toBe('/cb?access_token=[redacted]&state=ok');
    expect(answer['content-location']).toBe('/doc?token=[redacted]');
  });

  it('EXPLAIN of a redacted query still shows the plan; SQLite has no ANALYZE to refuse', async () => {
    const { id, detail } = await record(server, '/login');
    const query = detail.panels.sql!.queries.find((q) => q.sql.startsWith('SELECT id FROM users'))!;
    expect(query.redacted).toBe(true);
    const plain = await postExplain(server.url, { requestId: id, queryId: query.id });
    expect(plain.status).toBe(200);
    expect(plain.body.text).toMatch(/users/);
    const analyze = await postExplain(server.url, { requestId: id, queryId: query.id, analyze: true });
    expect(analyze.status).toBe(400);
  });
});

describe('the redactNames option', () => {
  it('decides which columns and headers are secret; the defaults can be extended', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE people (id integer PRIMARY KEY, ssn text, password text)');
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database }, redactNames: [...DEFAULT_REDACT_NAMES, 'ssn', /^x-tenant$/i] }));
    app.get('/', (_req, res) => {
      db.prepare('INSERT INTO people (ssn, password) VALUES (?, ?)').run('123-45-6789', SECRET);
      res.json({});
    });
    const server = await listen(app);
    try {
      const { raw, detail } = await record(server, '/', { headers: { 'x-tenant': 'acme-private-tenant' } });
      expectNoSecret(raw);
      expect(raw).not.toContain('123-45-6789');
      expect(raw).not.toContain('acme-private-tenant');
      expect(detail.panels.sql!.queries[0].params).toEqual(['[redacted]', '[redacted]']);
    } finally {
      await server.close();
      db.close();
    }
  });

  // Real-app trial (qzhang1/node_sessions_boilerplate, cors({ credentials: true })): the CORS flag
  // was stored as [redacted] in the headers and in pino's fields, hiding nothing but the flag.
  it('keeps Access-Control-Allow-Credentials: a protocol flag with a secret\'s word in its name', () => {
    expect(isSecretName('Access-Control-Allow-Credentials')).toBe(false);
    expect(isSecretName('access-control-allow-credentials')).toBe(false);
    expect(redactHeader('Access-Control-Allow-Credentials', 'true', isSecretName)).toBe('true');
    // The words alone, or in another name, still hide a value.
    expect(isSecretName('credentials')).toBe(true);
    expect(isSecretName('X-Credentials')).toBe(true);
    expect(isSecretName('access_control_credentials')).toBe(true);
    expect(nameMatcher([/credentials/i])('Access-Control-Allow-Credentials')).toBe(true);
  });

  it.each([
    ['password', /redactNames.*array/],
    [[42], /redactNames.*strings/],
    [['-'], /redactNames.*letter or digit/],
    [[null], /redactNames/],
  ])('%j is rejected with a clear TypeError', (redactNames, message) => {
    expect(() => debugToolbar({ enabled: true, redactNames: redactNames as never })).toThrow(TypeError);
    expect(() => debugToolbar({ enabled: true, redactNames: redactNames as never })).toThrow(message);
  });

  it('applies to a redirect\'s Location in the record', async () => {
    const app = express();
    app.use(debugToolbar({ redactNames: [...DEFAULT_REDACT_NAMES, 'ssn'] }));
    app.get('/lookup', (_req, res) => res.redirect('/person?ssn=123-45-6789'));
    app.get('/person', (_req, res) => res.json({}));
    const server = await listen(app);
    try {
      const response = await fetch(`${server.url}/lookup`, { redirect: 'manual' });
      const detail = await waitForRecord(server.url, response.headers.get('x-debug-toolbar-id')!);
      expect(detail.location).toBe('/person?ssn=[redacted]');
      expect(JSON.stringify(detail)).not.toContain('123-45-6789');
    } finally {
      await server.close();
    }
  });
});

const pgUp = await postgresAvailable();

describe.skipIf(!pgUp)('pg', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pool: pg.Pool;
  let server: Server;

  beforeAll(async () => {
    schema = await createTestSchema('edt_redact');
    pool = new pg.Pool({ ...schema.connection, max: 2 });
    await pool.query('CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE, password text, "apiKey" text)');
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.get('/signup', async (_req, res) => {
      await pool.query('INSERT INTO users (email, password, "apiKey") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT (email) DO UPDATE SET password = EXCLUDED.password',
        ['a@b.test', SECRET, TOKEN, 'c@d.test', SECRET, TOKEN]);
      res.json({});
    });
    app.get('/login', async (_req, res) => {
      const { rows } = await pool.query('SELECT u.id FROM users u WHERE u.email = $1 AND u.password = $2', ['a@b.test', SECRET]);
      await pool.query(`SELECT id FROM users WHERE "apiKey" = '${TOKEN}'`);
      res.json({ found: rows.length });
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await schema?.drop();
  });

  it('never serves the secret; EXPLAIN runs with [redacted], ANALYZE is refused with 422', async () => {
    const signup = await record(server, '/signup');
    expectNoSecret(signup.raw, signup.list);
    expect(signup.detail.panels.sql!.queries[0].params).toEqual(['a@b.test', '[redacted]', '[redacted]', 'c@d.test', '[redacted]', '[redacted]']);

    const login = await record(server, '/login');
    expectNoSecret(login.raw, login.list);
    const [select, literal] = login.detail.panels.sql!.queries;
    expect(select.params).toEqual(['a@b.test', '[redacted]']);
    expect(literal.sql).toBe(`SELECT id FROM users WHERE "apiKey" = '[redacted]'`);

    const plain = await postExplain(server.url, { requestId: login.id, queryId: select.id });
    expect(plain.status).toBe(200);
    expect(plain.body.analyzed).toBe(false);
    const analyze = await postExplain(server.url, { requestId: login.id, queryId: select.id, analyze: true });
    expect(analyze).toEqual({ status: 422, body: { error: expect.stringMatching(/cannot EXPLAIN ANALYZE.*\[redacted\]/) } });
    expect((await postExplain(server.url, { requestId: login.id, queryId: literal.id })).status).toBe(200);
  });
});

const mysqlUp = await mysqlAvailable();

describe.skipIf(!mysqlUp)('mysql2 on MariaDB', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: mysql.Pool;
  let server: Server;

  beforeAll(async () => {
    database = await createTestDatabase('edt_redact');
    pool = mysql.createPool({ ...database.connection, connectionLimit: 2 });
    const promise = pool.promise();
    await promise.query('CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100), password varchar(100), access_token varchar(100))');
    const app = express();
    app.use(debugToolbar({ instrument: { mysql2: mysql } }));
    app.get('/signup', async (_req, res) => {
      await promise.query('INSERT INTO users (email, password, access_token) VALUES ?', [[['a@b.test', SECRET, TOKEN], ['c@d.test', SECRET, TOKEN]]]);
      await promise.query('INSERT INTO users SET ?', [{ email: 'e@f.test', password: SECRET }]);
      await promise.query(`INSERT INTO users (email, password) VALUES ('g@h.test', '${SECRET}')`);
      await promise.execute('UPDATE users SET access_token = ? WHERE email = ?', [TOKEN, 'a@b.test']);
      res.json({});
    });
    app.get('/login', async (_req, res) => {
      const [rows] = await promise.query('SELECT id FROM users WHERE email = ? AND `password` = ?', ['a@b.test', SECRET]);
      res.json({ found: (rows as unknown[]).length });
    });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
    await pool?.promise().end();
    await database?.drop();
  });

  it('never serves the secret, whether bound, in rows, in an object or written in the SQL', async () => {
    const signup = await record(server, '/signup');
    expectNoSecret(signup.raw, signup.list);
    expect(signup.detail.panels.sql!.queries.map((q) => q.params)).toEqual([
      [[['a@b.test', '[redacted]', '[redacted]'], ['c@d.test', '[redacted]', '[redacted]']]],
      [JSON.stringify({ email: 'e@f.test', password: '[redacted]' })],
      [],
      ['[redacted]', 'a@b.test'],
    ]);
    expect(signup.detail.panels.sql!.queries[2].sql).toBe("INSERT INTO users (email, password) VALUES ('g@h.test', '[redacted]')");
    const [[check]] = await pool.promise().query('SELECT count(*) AS n FROM users WHERE password = ?', [SECRET]) as unknown as [[{ n: number }]];
    expect(check.n).toBe(4);
  });

  it('EXPLAIN runs with [redacted]; ANALYZE is refused with 422', async () => {
    const login = await record(server, '/login');
    expectNoSecret(login.raw, login.list);
    const query = login.detail.panels.sql!.queries[0];
    expect(query.params).toEqual(['a@b.test', '[redacted]']);
    expect((await postExplain(server.url, { requestId: login.id, queryId: query.id })).status).toBe(200);
    const analyze = await postExplain(server.url, { requestId: login.id, queryId: query.id, analyze: true });
    expect(analyze.status).toBe(422);
    expect(analyze.body.error).toMatch(/\[redacted\]/);
  });
});
