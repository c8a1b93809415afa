import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { debugToolbar } from 'express-debug-toolbar';
import { createDb } from './db.js';
import * as redis from 'redis';
import { demoRoutes } from './routes.js';
import { cacheRoutes, demoRedisClient } from './cache.js';
import { STRESS_MAX, stressAndCspRoutes } from './stress-and-csp.js';
import { logsAndRequestRoutes } from './logs-and-request.js';

/**
 * The demo blog `npm start` runs: every page shows off one thing the toolbar finds.
 * It uses the toolbar exactly as an app would, through the package's public entry point.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT ?? 3000);
// Loopback only: the toolbar shows SQL and parameters, which is for this machine's eyes.
const host = process.env.HOST ?? 'localhost';

const db = await createDb();

const app = express();

// First, so it sees every request and every query. `pglite` also accepts the PGlite class or the
// module namespace, which instruments every instance. /stress runs up to STRESS_MAX queries in one
// request: all of them are kept (the default keeps 1000 and counts the rest).
// `redis` records the Redis commands of /cache (the Cache panel); with no Redis running, /cache
// says how to start one.
app.use(debugToolbar({ instrument: { pglite: db, redis }, maxQueriesPerRequest: STRESS_MAX }));

app.set('view engine', 'ejs');
app.set('views', path.join(here, 'views'));
app.locals.formatDate = (date: Date | string | null): string =>
  date ? new Date(date).toLocaleDateString('en-GB', { dateStyle: 'medium' }) : '—';

app.use(express.static(path.join(here, 'public')));
app.use(express.json());
app.use(demoRoutes(db));
app.use(stressAndCspRoutes(db));
app.use(logsAndRequestRoutes(db));
app.use(cacheRoutes(demoRedisClient()));

app.listen(port, host, (error?: Error) => {
  if (error) {
    console.error(`Could not start the demo on ${host}:${port}: ${error.message}`);
    process.exit(1);
  }
  const url = `http://localhost:${port}`;
  console.log(`
  express-debug-toolbar demo running at ${url}

  What to try (open the toolbar with the button at the bottom right of each page):
    ${url}/posts          an N+1: 1 query for the posts, then 1 per post for its author
    ${url}/posts/fixed    the same page with one JOIN
    ${url}/duplicates     the same queries run three times by three "components"
    ${url}/slow           a sequential scan of 50,000 rows (no index on page_views.path)
    ${url}/posts/1        a post with comments and tags; "Like" runs a transaction
    ${url}/swap           links that swap the whole <body> as Turbo/htmx do; fetch/XHR partials
    ${url}/cache          a GET per post in a loop against Redis at REDIS_URL (the Cache panel's N+1)
    ${url}/api/posts      JSON: recorded, not injected (see the X-Debug-Toolbar-Id header)
    ${url}/logs           console lines around a query: the Logs tab (and the Request tab)
    ${url}/stress?n=10000 10,000 queries in one request (the panel renders only the rows in view)
    ${url}/csp/nonce-only a strict CSP that lets the launcher run but blocks the panel it loads
    ${url}/__toolbar/api/requests   the toolbar's own API
`);
});
