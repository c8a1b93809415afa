import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import { launcherBlockedBy } from '../../server/inject/csp.js';
import { debugToolbar } from '../../server/index.js';
import { listen } from '../support/http.js';

describe('launcherBlockedBy: does the page CSP let the injected launcher script run', () => {
  it.each([
    ["script-src 'self'", false, false],
    ["default-src 'self'", false, false],
    ["default-src 'none'; script-src 'self' https://cdn.example.com", false, false],
    ["script-src localhost:3000", false, false],
    ["img-src 'self'", false, false],
    ["script-src 'nonce-abc'", false, true],
    ["script-src 'nonce-abc' 'strict-dynamic' 'self'", false, true],
    ["default-src 'none'", false, true],
    ["script-src 'sha256-xyz' data:", false, true],
    ["script-src 'none'", false, true],
    // script-src-elem governs <script src> over script-src.
    ["script-src 'none'; script-src-elem 'self'", false, false],
    // The first of two occurrences of a directive wins.
    ["script-src 'none'; script-src 'self'", false, true],
    // With the nonce the tag carries, every policy lets it run.
    ["script-src 'nonce-abc' 'strict-dynamic'", true, false],
  ])('%s (nonce %s) → blocked %s', (policy, hasNonce, blocked) => {
    expect(launcherBlockedBy([policy], hasNonce) !== null).toBe(blocked);
  });

  it('every policy of a response must allow it (browsers enforce them all)', () => {
    expect(launcherBlockedBy(["script-src 'self'", "script-src 'nonce-x'"], false)).toMatch(/does not allow/);
  });
});

describe('a page whose CSP refuses the launcher', () => {
  const page = '<!doctype html><html><body><h1>Orders</h1></body></html>';
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ enabled: true }));
    app.get('/with-nonce', (_req, res) => {
      res.locals.cspNonce = 'n0nce';
      res.setHeader('Content-Security-Policy', "script-src 'nonce-n0nce'");
      res.type('html').send(page);
    });
    app.get('/fails', () => {
      throw new Error('the app failed');
    });
    app.get('/strict', (_req, res) => {
      res.setHeader('Content-Security-Policy', "script-src 'nonce-other'");
      res.type('html').send(page);
    });
    server = await listen(app);
  });
  afterAll(() => server?.close());

  it('is served whole, and the log says once why the toolbar is missing and what to do', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Only the CSP warnings: under the test runner, the log also says its .ts files have no source map.
    const cspWarnings = () => warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('Content-Security-Policy'));
    try {
      const allowed = await fetch(`${server.url}/with-nonce`);
      expect(await allowed.text()).toContain('nonce="n0nce"');
      expect(cspWarnings()).toEqual([]);

      // Express's own 404 and 500 pages carry default-src 'none': nothing the app can change.
      expect((await fetch(`${server.url}/missing`)).status).toBe(404);
      expect((await fetch(`${server.url}/fails`)).status).toBe(500);
      expect(cspWarnings()).toEqual([]);

      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${server.url}/strict`);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('<h1>Orders</h1>');
      }
      expect(cspWarnings()).toHaveLength(1);
      expect(cspWarnings()[0]).toMatch(/Content-Security-Policy of GET \/strict blocks the toolbar's launcher.*res\.locals\.cspNonce/);
    } finally {
      warn.mockRestore();
    }
  });
});
