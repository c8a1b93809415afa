import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import { createServer, request, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { debugToolbar, isLoopbackRequest } from '../server/index.js';

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
  { path: '/__toolbar/api/hotspots' },
  { path: '/__toolbar/api/events' },
  { path: '/__toolbar/static/launcher.js' },
  { path: '/__toolbar/api/explain', method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1' }, body: '{"requestId":"a","queryId":1}' },
  { path: '/__toolbar/api/requests/..%2F..' },
];

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
