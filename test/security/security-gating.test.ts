import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import { createServer, request, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { debugToolbar, isLoopbackRequest } from '../../server/index.js';

/*
 * Who gets the toolbar, with real sockets: only this machine, whatever the forwarding headers say;
 * everyone else sees the app exactly as if the toolbar were not installed.
 */

const PAGE = '<!doctype html><html><body><p>page</p></body></html>';
/** A non-loopback address of this machine, to reach the server from outside 127.0.0.0/8. */
const EXTERNAL = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;

interface Answer { status: number; body: string; headers: IncomingMessage['headers'] }

function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

type Express = typeof express5;

function makeApp(express: Express, toolbar: boolean, trustProxy: unknown, options: Parameters<typeof debugToolbar>[0] = {}) {
  const app = express();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  if (toolbar) app.use(debugToolbar({ enabled: true, ...options }));
  app.get('/', (_req, res) => res.type('html').send(PAGE));
  return app;
}

async function listenOn(app: ReturnType<Express> | RequestListener, host: string) {
  const server: Server = await new Promise((resolve) => {
    const s = 'listen' in app ? app.listen(0, host, () => resolve(s)) : createServer(app).listen(0, host, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** Every route the toolbar would answer, and a few it would not. */
const PROBES: { path: string; method?: string; headers?: Record<string, string>; body?: string }[] = [
  { path: '/__toolbar' },
  { path: '/__toolbar/' },
  { path: '/__toolbar/api/requests' },
  { path: '/__toolbar/api/requests/abc-1' },
  { path: '/__toolbar/api/sql/hotspots' },
  { path: '/__toolbar/api/events' },
  { path: '/__toolbar/static/launcher.js' },
  { path: '/__toolbar/api/sql/explain', method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1' }, body: '{"requestId":"a","queryId":1}' },
  { path: '/__toolbar/api/requests/..%2F..' },
];

/** Near-loopback Host and forwarding headers a rebinding page or a proxy could send: all refused. */
const REFUSED_HEADERS: Record<string, string>[] = [
  // Only the bracket contents were checked.
  { host: '[::1]evil.example' },
  { host: '[::1].evil.example:80' },
  { host: '[::1]:3000.evil.example' },
  { host: '[::ffff:127.0.0.1]evil.example' },
  // Not a host [":" port]: userinfo, two ports, a port too large, a zone id, empty labels.
  { host: 'localhost:80@evil.example' },
  { host: 'localhost:3000:80' },
  { host: 'localhost:99999' },
  { host: '[fe80::1%25lo]:3000' },
  { host: '.localhost' },
  { host: 'evil..localhost' },
  { host: '127.0.0.1.' },
  { host: '127.0.0.01' },
  { host: '[::127.0.0.1]' },
  { 'x-forwarded-host': '[::1]evil.example' },
  { 'x-forwarded-host': 'localhost, evil.example' },
  // Forwarded (RFC 7239): spaces around `=`, `host=`, case, quoting, syntax errors.
  { forwarded: 'for = 1.2.3.4' },
  { forwarded: 'for=127.0.0.1 ; for = 1.2.3.4' },
  { forwarded: 'for=127.0.0.1;host=evil.example' },
  { forwarded: 'for=127.0.0.1;host="evil.example:80"' },
  { forwarded: 'host=evil.example' },
  { forwarded: 'for=127.0.0.1;HOST=evil.example' },
  { forwarded: 'for=127.0.0.1, for="[2001:db8::1]:4711"' },
  { forwarded: 'for="127.0.0.1' },
  { forwarded: 'for=127.0.0.1;for=127.0.0.1' },
  { forwarded: 'for=127.0.0.1 1.2.3.4' },
  { forwarded: 'for=unknown' },
  { forwarded: 'for=_hidden' },
  { forwarded: 'for="\\1.2.3.4"' },
  { forwarded: 'for=127.0.0.1;host=[::1]evil.example' },
  { 'x-forwarded-for': '127.0.0.1:80, 1.2.3.4' },
  { 'x-real-ip': '1.2.3.4, 127.0.0.1' },
];

/** Loopback in every form a browser or a local proxy writes it: all allowed. */
const ALLOWED_HEADERS: Record<string, string>[] = [
  { host: 'localhost' },
  { host: 'LOCALHOST:3000' },
  { host: 'app.localhost:3000' },
  { host: '127.0.0.2:3000' },
  { host: '[::1]:3000' },
  // How browsers write http://[::ffff:127.0.0.1]:3000/ (WHATWG URL serialisation).
  { host: '[::ffff:7f00:1]:3000' },
  { 'x-forwarded-host': 'localhost:3000' },
  { forwarded: 'for=127.0.0.1;host=localhost:3000;proto=http' },
  { forwarded: 'for="[::1]:4711";host="localhost:3000", for=127.0.0.1' },
  { forwarded: 'for = "[::1]" ; proto = http' },
  { 'x-forwarded-for': '127.0.0.1, ::1' },
];

/** A GET written by hand, for what Node's client will not send (two Host headers). */
function rawGet(port: number, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET / HTTP/1.1\r\n${headerLines.join('\r\n')}\r\nConnection: close\r\n\r\n`);
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The toolbar app refuses: every probe answers like the same app without the toolbar, and the page is byte-identical. */
async function expectAbsent(withToolbar: string, without: string, headers: Record<string, string>) {
  const page = await send(`${withToolbar}/`, { headers });
  const bare = await send(`${without}/`, { headers });
  expect(page.body).toBe(PAGE);
  expect(page.body).toBe(bare.body);
  expect(Object.keys(page.headers).filter((name) => name.startsWith('x-debug-toolbar'))).toEqual([]);
  expect(page.headers['server-timing']).toBeUndefined();
  for (const probe of PROBES) {
    const init = { method: probe.method, headers: { ...headers, ...probe.headers }, body: probe.body };
    const [a, b] = await Promise.all([send(withToolbar + probe.path, init), send(without + probe.path, init)]);
    expect({ path: probe.path, status: a.status, body: a.body }).toEqual({ path: probe.path, status: b.status, body: b.body });
    expect(a.status).toBe(404);
  }
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as Express],
])('gating on %s', (_name, express) => {
  describe.each([
    ['without trust proxy', undefined],
    ['with trust proxy = true', true],
    ['with trust proxy = loopback', 'loopback'],
  ])('%s', (_label, trustProxy) => {
    it.skipIf(!EXTERNAL)(`a request from a non-loopback address (${EXTERNAL ?? 'none on this machine'}) never gets the toolbar, even with X-Forwarded-For: 127.0.0.1`, async () => {
      const withToolbar = await listenOn(makeApp(express, true, trustProxy), EXTERNAL!);
      const without = await listenOn(makeApp(express, false, trustProxy), EXTERNAL!);
      try {
        for (const headers of <Record<string, string>[]>[
          {},
          { 'x-forwarded-for': '127.0.0.1' },
          { 'x-forwarded-for': '127.0.0.1', host: 'localhost' },
          { forwarded: 'for=127.0.0.1', 'x-real-ip': '127.0.0.1', host: 'localhost' },
        ]) await expectAbsent(withToolbar.url, without.url, headers);
      } finally {
        await withToolbar.close();
        await without.close();
      }
    });

    it('a request through a proxy on this machine, for a remote client, is refused', async () => {
      const app = await listenOn(makeApp(express, true, trustProxy), '127.0.0.1');
      const bare = await listenOn(makeApp(express, false, trustProxy), '127.0.0.1');
      // A reverse proxy as nginx is usually set up: it appends the client's address and keeps the Host.
      const proxyTo = (target: number) => (req: IncomingMessage, res: import('node:http').ServerResponse) => {
        const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
        const upstream = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method,
          headers: { ...req.headers, host: `localhost:${target}`, 'x-forwarded-for': forwardedFor } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(upstream);
      };
      const host = EXTERNAL ?? '127.0.0.1';
      const proxy = await listenOn(proxyTo(app.port), host);
      const bareProxy = await listenOn(proxyTo(bare.port), host);
      try {
        // Reached from outside when this machine has another address; else the client says it is remote.
        const headers: Record<string, string> = EXTERNAL ? {} : { 'x-forwarded-for': '203.0.113.9' };
        await expectAbsent(proxy.url, bareProxy.url, headers);
        // The same proxy, used from this machine, still gets the toolbar.
        if (!EXTERNAL) return;
        const local = await send(`http://127.0.0.1:${app.port}/`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
        expect(local.headers['x-debug-toolbar-id']).toBeDefined();
      } finally {
        await Promise.all([proxy.close(), bareProxy.close(), app.close(), bare.close()]);
      }
    });

    it('a page whose name rebinds to 127.0.0.1 (Host not loopback) is refused', async () => {
      const withToolbar = await listenOn(makeApp(express, true, trustProxy), '127.0.0.1');
      const without = await listenOn(makeApp(express, false, trustProxy), '127.0.0.1');
      try {
        await expectAbsent(withToolbar.url, without.url, { host: 'evil.example' });
        await expectAbsent(withToolbar.url, without.url, { host: 'localhost.evil.example:80' });
        await expectAbsent(withToolbar.url, without.url, { 'x-forwarded-host': 'evil.example' });
        // Names that only start like a loopback address resolve wherever their owner says.
        await expectAbsent(withToolbar.url, without.url, { host: '127.attacker.example:3000' });
        await expectAbsent(withToolbar.url, without.url, { host: '127.0.0.1.nip.io:3000' });
        await expectAbsent(withToolbar.url, without.url, { 'x-forwarded-host': '127.evil.example' });
        const loopbackLiteral = await send(`${withToolbar.url}/`, { headers: { host: '127.0.0.2:3000' } });
        expect(loopbackLiteral.headers['x-debug-toolbar-id']).toBeDefined();
        const local = await send(`${withToolbar.url}/`);
        expect(local.headers['x-debug-toolbar-id']).toBeDefined();
      } finally {
        await withToolbar.close();
        await without.close();
      }
    });
  });

  it('refuses every Host and forwarding header that is not exactly loopback (RFC 7230 Host, RFC 7239 Forwarded)', async () => {
    const withToolbar = await listenOn(makeApp(express, true, undefined), '127.0.0.1');
    const without = await listenOn(makeApp(express, false, undefined), '127.0.0.1');
    try {
      for (const headers of REFUSED_HEADERS) {
        const answer = await send(`${withToolbar.url}/`, { headers });
        expect({ headers, id: answer.headers['x-debug-toolbar-id'] }).toEqual({ headers, id: undefined });
        await expectAbsent(withToolbar.url, without.url, headers);
      }
      for (const headers of ALLOWED_HEADERS) {
        const answer = await send(`${withToolbar.url}/`, { headers });
        expect({ headers, id: answer.headers['x-debug-toolbar-id'] }).toEqual({ headers, id: expect.any(String) });
      }
    } finally {
      await withToolbar.close();
      await without.close();
    }
  });

  it('refuses a request with two Host headers (which one a proxy used is unknown)', async () => {
    const withToolbar = await listenOn(makeApp(express, true, undefined), '127.0.0.1');
    try {
      const twice = await rawGet(withToolbar.port, ['Host: localhost', 'Host: evil.example']);
      expect(twice).toMatch(/^HTTP\/1\.1 200/);
      expect(twice.toLowerCase()).not.toContain('x-debug-toolbar-id');
      expect(twice).toContain(PAGE);
      const once = await rawGet(withToolbar.port, ['Host: localhost']);
      expect(once.toLowerCase()).toContain('x-debug-toolbar-id');
    } finally {
      await withToolbar.close();
    }
  });

  it('with trust proxy, a loopback client forwarded by a loopback proxy gets the toolbar; a remote one in req.ip does not', async () => {
    const withToolbar = await listenOn(makeApp(express, true, 'loopback'), '127.0.0.1');
    try {
      expect((await send(`${withToolbar.url}/`, { headers: { 'x-forwarded-for': '127.0.0.1' } })).headers['x-debug-toolbar-id']).toBeDefined();
      expect((await send(`${withToolbar.url}/`, { headers: { 'x-forwarded-for': '198.51.100.7' } })).headers['x-debug-toolbar-id']).toBeUndefined();
      expect((await send(`${withToolbar.url}/`, { headers: { 'x-forwarded-for': 'unknown' } })).headers['x-debug-toolbar-id']).toBeUndefined();
    } finally {
      await withToolbar.close();
    }
  });
});

describe('NODE_ENV=production', () => {
  const original = process.env.NODE_ENV;
  beforeAll(() => {
    process.env.NODE_ENV = 'production';
  });
  afterAll(() => {
    process.env.NODE_ENV = original;
  });
  afterEach(() => {
    process.env.NODE_ENV = 'production';
  });

  it('is off unless enabled: true, and then the app is untouched', async () => {
    const off = express5();
    off.use(debugToolbar());
    off.get('/', (_req, res) => res.type('html').send(PAGE));
    const withToolbar = await listenOn(off, '127.0.0.1');
    const without = await listenOn(makeApp(express5, false, undefined), '127.0.0.1');
    const on = await listenOn(makeApp(express5, true, undefined), '127.0.0.1');
    try {
      await expectAbsent(withToolbar.url, without.url, {});
      expect((await send(`${on.url}/`)).headers['x-debug-toolbar-id']).toBeDefined();
    } finally {
      await Promise.all([withToolbar.close(), without.close(), on.close()]);
    }
  });
});

describe('isLoopbackRequest on real IncomingMessages', () => {
  it('decides from the socket a real request came in on', async () => {
    const seen: boolean[] = [];
    const host = EXTERNAL ?? '127.0.0.1';
    const server = await listenOn((req: IncomingMessage, res: import('node:http').ServerResponse) => {
      seen.push(isLoopbackRequest(req));
      res.end();
    }, host);
    const local = await listenOn((req: IncomingMessage, res: import('node:http').ServerResponse) => {
      seen.push(isLoopbackRequest(req));
      res.end();
    }, '127.0.0.1');
    try {
      await send(`${server.url}/`, { headers: { 'x-forwarded-for': '127.0.0.1', host: 'localhost' } });
      await send(`${local.url}/`, { headers: { host: 'localhost' } });
      await send(`${local.url}/`, { headers: { host: 'localhost', 'x-real-ip': '192.0.2.50' } });
      expect(seen).toEqual([!EXTERNAL, true, false]);
    } finally {
      await server.close();
      await local.close();
    }
  });
});
