import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Pages for the toolbar's own limits, used by the end-to-end tests: a request that runs thousands
 * of queries, and pages behind strict Content-Security-Policies.
 */

/** The most queries `/stress` runs: the demo's `maxQueriesPerRequest`, so all are kept. */
export const STRESS_MAX = 10_000;

/** A page of the demo's look without its layout partials: a header, a paragraph, an inline script. */
function page(res: Response, title: string, text: string, nonce?: string): void {
  const attr = nonce ? ` nonce="${nonce}"` : '';
  res.type('html').send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title} · The Query Log</title><link rel="icon" href="data:,"></head>
<body>
<main><h1>${title}</h1><p id="text">${text}</p><p id="script-ran">the page's own script did not run</p></main>
<script${attr}>document.getElementById('script-ran').textContent = "the page's own script ran";</script>
</body>
</html>`);
}

export function stressAndCspRoutes(db: PGlite): Router {
  const router = Router();

  // /stress?n=10000: one lookup per "row", n queries in one request.
  router.get('/stress', async function manyQueries(req, res) {
    const n = Math.min(STRESS_MAX, Math.max(1, Number.parseInt(String(req.query.n ?? '1000'), 10) || 1000));
    for (let i = 0; i < n; i++) await db.query('SELECT id, name FROM authors WHERE id = $1', [1 + (i % 10)]);
    page(res, 'Stress', `Ran ${n} queries.`);
  });

  // Strict policies. The toolbar puts res.locals.cspNonce on its <script>.
  const policies: Record<string, (nonce: string) => string> = {
    // The launcher runs with the nonce and, through 'strict-dynamic', may import the panel.
    'strict-dynamic': (nonce) => `script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'self'; object-src 'none'; base-uri 'none'`,
    // The launcher runs with the nonce, but the panel it imports is blocked.
    'nonce-only': (nonce) => `script-src 'nonce-${nonce}'; style-src 'self'; object-src 'none'; base-uri 'none'`,
    // The page's own script has a nonce the toolbar is not told about: the launcher cannot run.
    'no-nonce': (nonce) => `script-src 'nonce-${nonce}'; style-src 'self'; object-src 'none'; base-uri 'none'`,
  };
  router.get('/csp/:policy', function strictCsp(req, res, next) {
    const policy = policies[req.params.policy];
    if (!policy) return next();
    const nonce = randomBytes(16).toString('base64');
    if (req.params.policy !== 'no-nonce') res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', policy(nonce));
    page(res, `CSP: ${req.params.policy}`, `This page is served with a strict Content-Security-Policy (${req.params.policy}).`, nonce);
  });

  return router;
}
