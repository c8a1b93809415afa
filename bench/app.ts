/**
 * The benchmark's app, one process per variant so the baseline carries no patched driver:
 *   tsx bench/app.ts <none|disabled|enabled|otel> <port>   (BENCH_PG_SCHEMA names the seeded schema)
 * Three routes, each a realistic shape:
 *   GET /pg-page      20 pg queries through a pool (1 list + 19 lookups) and an EJS page with a partial per post
 *   GET /pg-json      1 pg query, answered as JSON
 *   GET /sqlite-page  the same 20 queries on in-memory better-sqlite3 (microsecond queries: the hardest case)
 * The `otel` variant is OpenTelemetry tracing (http, express, pg) into an in-memory exporter.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listenForProfileRequests } from './profile.js';
import { listenForStatsRequests } from './process-stats.js';

const [variant = 'none', port = '0'] = process.argv.slice(2);
// OpenTelemetry patches modules as they are required: it must be set up before express and pg load,
// and they are loaded the CommonJS way (as most apps have them) in every variant alike.
if (variant === 'otel') (await import('./otel.js')).startTracing();
const require = createRequire(import.meta.url);
const express = require('express') as typeof import('express');
const pg = require('pg') as typeof import('pg');
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
// The toolbar as users run it, compiled (dist/server, `npm run build:server`); BENCH_SOURCE=1 runs
// its TypeScript through tsx instead, whose helpers (`__name` on every closure) cost time of their
// own. BENCH_TOOLBAR_DIR: another checkout's toolbar, built the same way, to compare two versions.
const checkout = process.env.BENCH_TOOLBAR_DIR ? pathToFileURL(`${process.env.BENCH_TOOLBAR_DIR}/`) : new URL('../', import.meta.url);
const toolbarDir = new URL(process.env.BENCH_SOURCE === '1' ? 'server/' : 'dist/server/', checkout);
const { debugToolbar } = (await import(new URL(process.env.BENCH_SOURCE === '1' ? 'index.ts' : 'index.js', toolbarDir).href)) as typeof import('../server/index.js');

const schema = process.env.BENCH_PG_SCHEMA ?? 'public';
const pool = new pg.Pool({
  host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 10,
  options: `-c search_path=${schema}`,
});

const db = new Database(':memory:');
db.exec(`CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
  CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER, title TEXT, body TEXT);`);
const insertAuthor = db.prepare('INSERT INTO authors (name) VALUES (?)');
const insertPost = db.prepare('INSERT INTO posts (author_id, title, body) VALUES (?, ?, ?)');
for (let i = 1; i <= 50; i++) insertAuthor.run(`Author ${i}`);
for (let i = 1; i <= 500; i++) insertPost.run(1 + (i % 50), `Post ${i}`, 'Lorem ipsum dolor sit amet. '.repeat(20));

const app = express();
app.set('views', fileURLToPath(new URL('./views', import.meta.url)));
app.set('view engine', 'ejs');
app.set('view cache', true);
// BENCH_OPTIONS='{"timeline":false}' measures the enabled toolbar with other options.
const extraOptions = JSON.parse(process.env.BENCH_OPTIONS ?? '{}');
const instrument = { betterSqlite3: Database, pg };
if (variant === 'enabled') app.use(debugToolbar({ enabled: true, instrument, ...extraOptions }));
if (variant === 'disabled') app.use(debugToolbar({ enabled: false, instrument }));

interface Post { author_id: number; author?: unknown }
const LIST_SQL = 'SELECT id, author_id, title, body FROM posts ORDER BY id DESC LIMIT 19';

const listPosts = db.prepare(LIST_SQL);
const findAuthor = db.prepare('SELECT id, name FROM authors WHERE id = ?');
app.get('/sqlite-page', (_req, res) => {
  const posts = listPosts.all() as Post[];
  for (const post of posts) post.author = findAuthor.get(post.author_id);
  res.render('page', { title: 'Latest posts', posts });
});

app.get('/pg-page', async (_req, res, next) => {
  try {
    const { rows: posts } = await pool.query<Post>(LIST_SQL);
    for (const post of posts) post.author = (await pool.query('SELECT id, name FROM authors WHERE id = $1', [post.author_id])).rows[0];
    res.render('page', { title: 'Latest posts', posts });
  } catch (error) {
    next(error);
  }
});

app.get('/pg-json', async (req, res, next) => {
  try {
    const { rows } = await pool.query('SELECT id, title FROM posts WHERE author_id = $1 ORDER BY id LIMIT 10', [1 + (Number(req.query.a ?? 0) % 50)]);
    res.json(rows);
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(port), '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : Number(port) });
});

listenForStatsRequests();
listenForProfileRequests(fileURLToPath(toolbarDir));
process.on('disconnect', () => {
  server.close();
  void pool.end();
});
