/**
 * The benchmark's app, one process per variant so the baseline carries no patched driver:
 *   tsx bench/app.ts <none|disabled|enabled> <port>
 * GET /page runs 20 queries on better-sqlite3 (1 list + 19 lookups) and renders an EJS page with a
 * partial per post: a realistic, database-bound page.
 */
import express from 'express';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../server/index.js';

const [variant = 'none', port = '0'] = process.argv.slice(2);
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
if (variant === 'enabled') app.use(debugToolbar({ enabled: true, instrument: { betterSqlite3: Database }, ...extraOptions }));
if (variant === 'disabled') app.use(debugToolbar({ enabled: false, instrument: { betterSqlite3: Database } }));

const listPosts = db.prepare('SELECT id, author_id, title, body FROM posts ORDER BY id DESC LIMIT 19');
const findAuthor = db.prepare('SELECT id, name FROM authors WHERE id = ?');
app.get('/page', (_req, res) => {
  const posts = listPosts.all() as { author_id: number; author?: unknown }[];
  for (const post of posts) post.author = findAuthor.get(post.author_id);
  res.render('page', { title: 'Latest posts', posts });
});

const server = app.listen(Number(port), '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : Number(port) });
});

// The orchestrator asks for the heap after a full collection, to see what the ring buffer keeps.
process.on('message', (message) => {
  if (message !== 'heap') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed });
});
