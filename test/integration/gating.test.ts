import { afterEach, describe, expect, it, vi } from 'vitest';
import express from 'express';
import pg from 'pg';
import type { IncomingMessage } from 'node:http';
import { debugToolbar, isLoopbackRequest } from '../../server/index.js';
import { listen } from '../support/http.js';

const PAGE = '<!doctype html><html><body><p>page</p></body></html>';

async function serve(toolbar: ReturnType<typeof debugToolbar>) {
  const app = express();
  app.use(toolbar);
  app.get('/', (_req, res) => res.send(PAGE));
  return listen(app);
}

describe('when the toolbar is off', () => {
  const originalEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalEnv;
  });

  it('enabled: false patches nothing, adds no header, injects nothing and its routes 404', async () => {
    const query = pg.Client.prototype.query;
    const server = await serve(debugToolbar({ enabled: false, instrument: { pg } }));
    try {
      expect(pg.Client.prototype.query).toBe(query);
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get('x-debug-toolbar-id')).toBeNull();
      expect(await page.text()).toBe(PAGE);
      const api = await fetch(`${server.url}/__toolbar/api/requests`);
      expect(api.status).toBe(404);
      expect(await api.text()).toMatch(/Cannot GET/); // the app's own 404, as if no toolbar
    } finally {
      await server.close();
    }
  });

  it('is off by default in production and on when enabled explicitly', async () => {
    process.env.NODE_ENV = 'production';
    const off = await serve(debugToolbar());
    const on = await serve(debugToolbar({ enabled: true }));
    try {
      expect((await fetch(`${off.url}/`)).headers.get('x-debug-toolbar-id')).toBeNull();
      expect((await fetch(`${on.url}/`)).headers.get('x-debug-toolbar-id')).toMatch(/^[a-f0-9]+-[a-z0-9]+$/);
    } finally {
      await off.close();
      await on.close();
    }
  });

  it('a request that allow() refuses is served untouched and the routes 404', async () => {
    const server = await serve(debugToolbar({ allow: () => false }));
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get('x-debug-toolbar-id')).toBeNull();
      expect(await page.text()).toBe(PAGE);
      expect((await fetch(`${server.url}/__toolbar/api/requests`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('an allow() that throws counts as a refusal, logged once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = await serve(debugToolbar({ allow: () => { throw new Error('boom'); } }));
    try {
      for (let i = 0; i < 3; i++) {
        const page = await fetch(`${server.url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toBe(PAGE);
      }
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      await server.close();
    }
  });
});

describe('when the toolbar itself fails', () => {
  it('a store that throws leaves every page served, with one warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failing = { add() { throw new Error('disk full'); }, get: () => undefined, list: () => [] };
    const server = await serve(debugToolbar({ store: failing }));
    try {
      for (let i = 0; i < 3; i++) {
        const page = await fetch(`${server.url}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<p>page</p>');
      }
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      await server.close();
    }
  });
});

describe('isLoopbackRequest', () => {
  it.each([
    ['127.0.0.1', true], ['127.8.9.10', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false], ['192.168.1.5', false], ['::ffff:10.0.0.1', false], ['fe80::1', false], ['', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackRequest({ socket: { remoteAddress: address } } as unknown as IncomingMessage)).toBe(expected);
  });

  it('ignores X-Forwarded-For: only the socket counts', () => {
    const req = { socket: { remoteAddress: '203.0.113.9' }, headers: { 'x-forwarded-for': '127.0.0.1' } };
    expect(isLoopbackRequest(req as unknown as IncomingMessage)).toBe(false);
  });

  it.each([
    [{ host: 'localhost:3000' }, true],
    [{ host: '127.0.0.1:3000' }, true],
    [{ host: '[::1]:3000' }, true],
    [{ host: 'app.localhost' }, true],
    [{ host: 'evil.example:3000' }, false], // DNS rebinding: a foreign name resolved to 127.0.0.1
    [{ host: 'localhost.evil.example' }, false],
    [{ host: 'localhost', 'x-forwarded-for': '203.0.113.9' }, false], // a proxy on this machine
    [{ host: 'localhost', 'x-forwarded-for': '127.0.0.1, 203.0.113.9' }, false],
    [{ host: 'localhost', forwarded: 'for=203.0.113.9;proto=http' }, false],
    [{ host: 'localhost', 'x-forwarded-for': '127.0.0.1' }, true],
    [{ host: 'localhost', forwarded: 'for="[::1]"' }, true],
  ])('from loopback with headers %j → %s', (headers, expected) => {
    const req = { socket: { remoteAddress: '127.0.0.1' }, headers };
    expect(isLoopbackRequest(req as unknown as IncomingMessage)).toBe(expected);
  });

  it('answers 404 to a rebinding page and leaves it untouched', async () => {
    const server = await serve(debugToolbar());
    try {
      const { request } = await import('node:http');
      const get = (path: string) => new Promise<{ status: number; id: unknown; body: string }>((resolve, reject) => {
        request(`${server.url}${path}`, { headers: { host: 'evil.example' } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers['x-debug-toolbar-id'], body }));
        }).on('error', reject).end();
      });
      expect(await get('/__toolbar/api/requests')).toMatchObject({ status: 404 });
      expect(await get('/')).toEqual({ status: 200, id: undefined, body: PAGE });
    } finally {
      await server.close();
    }
  });
});

describe('options', () => {
  it.each([
    [{ capacity: 0 }, /capacity.*positive integer/],
    [{ capacity: 1.5 }, /capacity/],
    [{ maxQueriesPerRequest: -1 }, /maxQueriesPerRequest/],
    [{ mountPath: 'toolbar' }, /mountPath/],
    [{ mountPath: '/toolbar/' }, /mountPath/],
    [{ enabled: 'yes' }, /enabled.*boolean/],
    [{ allow: true }, /allow.*function/],
    [{ nonce: 'abc' }, /nonce.*function/],
    [{ instrument: { mongo: {} } }, /unknown driver `instrument.mongo`; supported: pg, pglite/],
    [{ instrument: { pg: {} } }, /instrument.pg` must be the pg module/],
    [{ instrument: { pglite: 42 } }, /instrument.pglite/],
    [{ colour: 'red' }, /unknown option `colour`/],
    [{ store: {} }, /store/],
  ])('%j is rejected with a clear message', (options, message) => {
    expect(() => debugToolbar({ enabled: true, ...(options as object) })).toThrow(message);
  });
});
