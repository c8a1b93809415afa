import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import { create } from 'express-handlebars';
import nunjucks from 'nunjucks';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { NPlusOneGroup, RequestDetail } from '../../../server/types.js';
import { fetchRecorded, listen } from '../../support/http.js';

/*
 * Issue 18 part 7 for Pug, Nunjucks and Handlebars: a helper the template calls per item runs a
 * query (better-sqlite3, synchronous, as these engines' helpers are). Before, the compiled
 * template's frames were dropped: the stack held the helper and the engine, and the loop was the
 * helper's line. Now the loop is the template's line, and the fix says to load before rendering.
 */
const VIEWS = fileURLToPath(new URL('../../fixtures/template-loops/', import.meta.url));
const lineIn = (file: string, text: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

function makeDb() {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE users (id integer PRIMARY KEY, name text);
    CREATE TABLE articles (id integer PRIMARY KEY, author_id integer, title text);
    INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
    INSERT INTO articles (author_id, title) VALUES (1, 'a1'), (2, 'a2'), (3, 'a3'), (1, 'a4');`);
  return db;
}

function theLoop(detail: RequestDetail): NPlusOneGroup {
  expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
  const [group] = detail.panels.sql!.nPlusOne;
  expect(group.count).toBe(4);
  return group;
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('N+1 from a helper a template calls per item, on %s', (_name, express) => {
  const db = makeDb();
  const authorOf = (id: number) => db.prepare('SELECT id, name FROM users WHERE id = ?').get(id) as { name: string };
  const articles = () => db.prepare('SELECT id, author_id, title FROM articles ORDER BY id').all();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ instrument: { betterSqlite3: Database } }));
    app.set('views', VIEWS);
    app.set('view engine', 'pug');
    const hbs = create({ extname: '.hbs', layoutsDir: `${VIEWS}hbs/layouts`, defaultLayout: 'main', partialsDir: `${VIEWS}hbs/partials`,
      helpers: { authorName: (id: number) => authorOf(id).name } });
    app.engine('hbs', hbs.engine);
    const env = nunjucks.configure(`${VIEWS}njk`, { autoescape: true });
    env.addFilter('authorName', (id: number) => authorOf(id).name);
    app.engine('njk', (file: string, options: object, callback: (e: unknown, html?: string) => void) =>
      env.render(file, options, (error, html) => callback(error, html ?? undefined)));
    app.get('/pug', function pugList(_req, res) {
      res.render('list.pug', { articles: articles(), authorOf });
    });
    app.get('/njk', function njkList(_req, res) {
      res.render('njk/list.njk', { articles: articles() });
    });
    app.get('/hbs', function hbsList(_req, res) {
      res.render('hbs/list.hbs', { articles: articles() });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('Pug: the loop is the view\'s line that calls the helper', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/pug');
    expect(body).toContain('<li>a4 by ann</li>');
    const view = `${VIEWS}list.pug`;
    const group = theLoop(detail);
    expect(group.loop).toEqual({ file: view, line: lineIn(view, 'authorOf('), function: null, inTemplate: true });
    expect(group.stack.map((f) => `${f.file}:${f.line}`)).toContain(`${view}:3`);
    // The fix: the same batched query, run in the route before rendering, not from the template.
    expect(group.suggestion!.title).toMatch(/ in the route, before rendering template-loops\/list\.pug$/);
    expect(group.suggestion!.reason).toContain('The loop is in the template (template-loops/list.pug:3): load the data before rendering');
  });

  it('Nunjucks: the loop is the template\'s line whose filter runs the query', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/njk');
    expect(body).toContain('<li>a4 by ann</li>');
    const view = `${VIEWS}njk/list.njk`;
    expect(theLoop(detail).loop).toEqual({ file: view, line: lineIn(view, '| authorName'), function: null, inTemplate: true });
  });

  it('Handlebars: the loop is the partial\'s line the helper is on; the layout and the partial\'s file are listed', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/hbs');
    expect(body).toContain('<!doctype html>');
    expect(body).toMatch(/<li>a4\s+by ann<\/li>/);
    const row = `${VIEWS}hbs/partials/row.hbs`;
    expect(theLoop(detail).loop).toEqual({ file: row, line: lineIn(row, 'authorName'), function: null, inTemplate: true });
    const view = detail.panels.templates!.renders.find((t) => t.name === 'hbs/list.hbs')!;
    expect(view).toMatchObject({ parentId: null, file: `${VIEWS}hbs/list.hbs` });
    const children = detail.panels.templates!.renders.filter((t) => t.parentId === view.id);
    expect(children.map((t) => [t.name, t.file])).toEqual([
      ...Array.from({ length: 4 }, () => ['row', row]),
      ['main', `${VIEWS}hbs/layouts/main.hbs`],
    ]);
  });
});
