import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import fc from 'fast-check';
import { request } from 'node:http';
import { connect } from 'node:net';
import { debugToolbar } from '../../server/index.js';
import { listen } from '../support/http.js';

/*
 * The toolbar's routes take whatever a client sends: every answer is a 4xx/2xx/3xx with a JSON
 * error body, never a 500, and the server keeps serving.
 */

interface Answer { status: number; type: string; body: string }

let server: Awaited<ReturnType<typeof listen>>;
let port: number;

beforeAll(async () => {
  const app = express();
  app.use(debugToolbar());
  app.get('/', (_req, res) => res.type('html').send('<html><body>hi</body></html>'));
  server = await listen(app);
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.close());

function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // With a Content-Length: a chunked body on a request answered before it is read makes Node's
    // parser answer 400 "Data after Connection: close" for any async route, the app's as well.
    const length = init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) };
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { ...length, ...init.headers }, agent: false }, (res) => {
      const type = String(res.headers['content-type'] ?? '');
      // A live stream never ends: its status is the answer.
      if (type.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, type, body: '' });
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Bytes as written, for request lines `fetch` and `http.request` would refuse to send. */
function sendRaw(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(head, 'latin1')));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function expectJsonError(answer: Answer, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  expect(typeof JSON.parse(answer.body).error).toBe('string');
}

const explain = (headers: Record<string, string>, body: string | Buffer) =>
  send('/__toolbar/api/sql/explain', { method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', ...headers }, body });

describe('malformed paths → 404 JSON', () => {
  it.each([
    '/__toolbar/api/requests/..%2F..', '/__toolbar/api/requests/%2e%2e', '/__toolbar/api/requests/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/__toolbar/api/requests/%00', '/__toolbar/api/requests/a%00b', `/__toolbar/api/requests/${'a'.repeat(65)}`,
    `/__toolbar/api/requests/${'x'.repeat(8000)}`, '/__toolbar/api/requests/%', '/__toolbar/api/requests/%E0%A4%A',
    '/__toolbar/api/requests/%ZZ', '/__toolbar//api/requests', '/__toolbar/api//requests', '/__toolbar/api/requests//x',
    '/__toolbar/api/requests/', '/__toolbar/api/', '/__toolbar/static/', '/__toolbar/static/%2e%2e/package.json',
    '/__toolbar/static/..\\..\\package.json', '/__toolbar/api/requests/a/..', '/__toolbar/%2e%2e/%2e%2e/package.json',
  ])('GET %s', async (path) => {
    expectJsonError(await send(path), 404);
  });

  it('bad query strings: 400 JSON', async () => {
    expectJsonError(await send('/__toolbar/api/requests?after=%E0%A4%A'), 400);
    expectJsonError(await send('/__toolbar/api/sql/hotspots?limit=1e3'), 400);
    expectJsonError(await send('/__toolbar/api/sql/hotspots?limit=-1'), 400);
  });

  it('unknown methods: 405 JSON with Allow', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'PROPFIND', 'OPTIONS']) {
      expectJsonError(await send('/__toolbar/api/requests', { method }), 405);
      expectJsonError(await send('/__toolbar/api/sql/explain', { method }), 405);
    }
  });

  it('raw request lines with bytes clients would not send', async () => {
    for (const target of ['/__toolbar?\x7f', '/__toolbar/api/requests/\x7f', '/__toolbar/api/requests/\xff\xfe', '/__toolbar?a=\xe9']) {
      const answer = await sendRaw(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1]);
      expect(status, JSON.stringify(target)).toBeLessThan(500);
    }
    expect((await send('/')).status).toBe(200);
  });
});

describe('POST /api/sql/explain refuses bad input', () => {
  it('a body over the limit → 413, declared or streamed', async () => {
    expectJsonError(await explain({}, Buffer.alloc(17 * 1024, 'a')), 413);
    const chunked = await new Promise<Answer>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/__toolbar/api/sql/explain', method: 'POST',
        headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', () => undefined);
      for (let i = 0; i < 40; i++) req.write(Buffer.alloc(1024, 'b'));
      req.end();
      setTimeout(() => reject(new Error('no answer')), 5000).unref();
    });
    expectJsonError(chunked, 413);
  });

  it.each([
    ['invalid JSON', {}, '{"requestId":', 400],
    ['empty body', {}, '', 400],
    ['JSON null', {}, 'null', 400],
    ['an array', {}, '[]', 400],
    ['a __proto__ key', {}, '{"__proto__":{"x":1},"requestId":"a","queryId":1}', 400],
    ['SQL in the body', {}, '{"requestId":"a","queryId":1,"sql":"DROP TABLE users"}', 400],
    ['a huge queryId', {}, '{"requestId":"a","queryId":1e308}', 400],
    ['wrong content type', { 'content-type': 'text/plain' }, '{}', 415],
    ['form content type', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 415],
    ['no X-Debug-Toolbar header', { 'x-debug-toolbar': '' }, '{}', 403],
    ['a cross-site Origin', { origin: 'https://evil.example' }, '{}', 403],
    ['an Origin that is not a URL', { origin: 'null' }, '{}', 403],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, '{}', 403],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }, '{}', 403],
    ['an unknown request', {}, '{"requestId":"nope","queryId":1}', 404],
  ])('%s → %i', async (_name, headers, body, status) => {
    expectJsonError(await explain(headers as Record<string, string>, body), status);
  });

  it('a GET with a huge body is answered, and the server stays up', async () => {
    const answer = await send('/__toolbar/api/requests', { headers: { 'content-type': 'application/json' }, body: Buffer.alloc(2 * 1024 * 1024, 'x') });
    expect(answer.status).toBe(200);
    expect((await send('/')).status).toBe(200);
  });
});

describe('fuzzing the routes', () => {
  const segment = fc.oneof(
    fc.constantFrom('api', 'requests', 'explain', 'events', 'hotspots', 'static', 'launcher.js', '..', '.', '', '%2e%2e', '%2F', '%00', '%', '%E0%A4', '?', '#'),
    fc.stringMatching(/^[A-Za-z0-9_\-.~%]{0,20}$/),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  const path = fc.array(segment, { maxLength: 5 }).map((parts) => `/__toolbar/${parts.join('/')}`);
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
  const headers = fc.record({
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
    'x-debug-toolbar': fc.constantFrom('1', '0', ''),
    origin: fc.oneof(headerValue, fc.constant(`http://127.0.0.1:${0}`)),
    'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', ''),
    'if-none-match': headerValue,
  }, { requiredKeys: [] });
  const body = fc.oneof(fc.constant(undefined), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 200 }),
    fc.record({ requestId: fc.string(), queryId: fc.oneof(fc.integer(), fc.double(), fc.string()), analyze: fc.anything() }).map((v) => JSON.stringify(v) ?? ''));

  it('never answers 500, errors are JSON, and the server keeps serving', async () => {
    await fc.assert(fc.asyncProperty(path, method, headers, body, async (p, m, h, b) => {
      const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
      const answer = await send(p, { method: m, headers: clean, body: m === 'GET' || m === 'HEAD' ? undefined : b });
      expect(answer.status).toBeLessThan(500);
      if (answer.status >= 400 && m !== 'HEAD') {
        expect(answer.type).toMatch(/^application\/json/);
        expect(typeof JSON.parse(answer.body).error).toBe('string');
      }
    }), { numRuns: 300 });
    expect((await send('/')).status).toBe(200);
  }, 60_000);
});

describe('a store that fails', () => {
  it('answers 503 with a JSON error (not 500), logged once, and pages are still served', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failing = { add() { throw new Error('disk full'); }, get() { throw new Error('redis away'); }, list: async () => { throw new Error('redis away'); } };
    const app = express();
    app.use(debugToolbar({ store: failing }));
    app.get('/', (_req, res) => res.type('html').send('<html><body>hi</body></html>'));
    const failingServer = await listen(app);
    try {
      for (const path of ['/__toolbar/api/requests', '/__toolbar/api/requests/abc-1', '/__toolbar/api/sql/hotspots']) {
        const response = await fetch(failingServer.url + path);
        expect(response.status, path).toBe(503);
        expect((await response.json()).error).toMatch(/store failed.*redis away/);
      }
      const explained = await fetch(`${failingServer.url}/__toolbar/api/sql/explain`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1' }, body: '{"requestId":"abc-1","queryId":1}',
      });
      expect(explained.status).toBe(503);
      expect((await fetch(`${failingServer.url}/`)).status).toBe(200);
    } finally {
      warn.mockRestore();
      await failingServer.close();
    }
  });
});
