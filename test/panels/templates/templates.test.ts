import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import { create } from 'express-handlebars';
import nunjucks from 'nunjucks';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { RequestDetail, TemplateRender, TimelineSpan } from '../../../server/types.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { createTestSchema, postgresAvailable } from '../../support/postgres.js';
import { childrenOf, expectWellNested } from '../../support/timeline.js';

const VIEWS = fileURLToPath(new URL('../../fixtures/templates/', import.meta.url));
const available = await postgresAvailable();
let schema: Awaited<ReturnType<typeof createTestSchema>>;
let db: pg.Pool;

beforeAll(async () => {
  if (!available) return;
  schema = await createTestSchema('edt_templates');
  db = new pg.Pool({ ...schema.connection, max: 2 });
  await db.query(`CREATE TABLE authors (id serial PRIMARY KEY, name text);
    CREATE TABLE posts (id serial PRIMARY KEY, author_id int, title text);
    INSERT INTO authors (name) SELECT 'author ' || i FROM generate_series(1, 3) i;
    INSERT INTO posts (author_id, title) SELECT 1 + i % 3, 'post ' || i FROM generate_series(1, 7) i;`);
});

afterAll(async () => {
  await db?.end();
  await schema?.drop();
});

/** Queries started by synchronous templates (not awaited there); the handler awaits them before answering. */
let pending: Promise<unknown>[] = [];
function touch(id: number): string {
  pending.push(db.query('SELECT $1::int AS touched', [id]));
  return '';
}
async function settle(): Promise<void> {
  const all = pending;
  pending = [];
  await Promise.all(all);
}

function template(detail: RequestDetail, name: string): TemplateRender {
  const found = detail.panels.templates!.renders.filter((t) => t.name === name);
  expect(found.map((t) => t.name), `one template named ${name}`).toHaveLength(1);
  return found[0];
}

function span(detail: RequestDetail, id: string): TimelineSpan {
  return detail.panels.timeline!.spans.find((s) => s.id === id)!;
}

describe.skipIf(!available).each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('templates on %s', (_name, express) => {
  let server: Awaited<ReturnType<typeof listen>>;
  let nunjucksServer: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ instrument: { pg } }));
    app.set('views', VIEWS);
    const hbs = create({ extname: '.hbs', defaultLayout: false, partialsDir: `${VIEWS}hbs/partials`, helpers: { touch } });
    app.engine('hbs', hbs.engine);
    app.get('/ejs', async function ejsPage(_req, res, next) {
      // With `async: true` EJS hands Express a promise of the HTML.
      const answer = (error: Error | null, html?: unknown) => {
        if (error) return next(error);
        (html as Promise<string>).then((text) => res.send(text), next);
      };
      res.render('ejs/page.ejs', {
        title: 'Authors',
        ids: [1, 2, 3],
        loadAuthor: async (id: number) => (await db.query('SELECT id, name FROM authors WHERE id = $1', [id])).rows[0],
        countPosts: async (id: number) =>
          (await db.query('SELECT count(*)::int AS n FROM posts WHERE author_id = $1', [id])).rows[0].n,
        async: true,
      }, answer);
    });
    app.get('/ejs-sync', function ejsSync(_req, res) {
      res.render('ejs/sync.ejs', { title: 'Sync' });
    });
    app.get('/hbs', async function hbsPage(_req, res, next) {
      const authors = (await db.query('SELECT id, name FROM authors ORDER BY id')).rows;
      res.render('hbs/page.hbs', { title: 'Authors', authors }, (error: Error | null, html?: string) => {
        if (error) return next(error);
        settle().then(() => res.send(html), next);
      });
    });
    app.get('/pug', function pugPage(_req, res, next) {
      res.render('pug/page.pug', { title: 'Pug', touch }, (error: Error | null, html?: string) => {
        if (error) return next(error);
        settle().then(() => res.send(html), next);
      });
    });
    server = await listen(app);

    const nunjucksApp = express();
    nunjucksApp.use(debugToolbar({ instrument: { pg, nunjucks } }));
    const env = nunjucks.configure(`${VIEWS}njk`, { express: nunjucksApp, autoescape: true });
    env.addGlobal('touch', touch);
    nunjucksApp.get('/njk', function njkPage(_req, res, next) {
      res.render('page.njk', { title: 'Nunjucks', ids: [1, 2] }, (error: Error | null, html?: string) => {
        if (error) return next(error);
        settle().then(() => res.send(html), next);
      });
    });
    nunjucksServer = await listen(nunjucksApp);
  });

  afterAll(async () => {
    await server?.close();
    await nunjucksServer?.close();
  });

  it('EJS (async): the view, its includes, and the queries each ran while rendering', async () => {
    const { response, body, detail } = await fetchRecorded(server.url, '/ejs');
    expect(body).toContain('author 2 (3 posts)');
    // Server-Timing counts the render (top-level views only) and the six queries.
    const timing = response.headers.get('server-timing') ?? '';
    expect(timing).toContain('desc="6 queries"');
    expect(Number(/render;dur=([\d.]+)/.exec(timing)?.[1])).toBeGreaterThan(0);
    const page = template(detail, 'ejs/page.ejs');
    expect(page).toMatchObject({ parentId: null, engine: 'ejs', file: `${VIEWS}ejs/page.ejs` });
    expect(page.localKeys).toEqual(expect.arrayContaining(['title', 'ids', 'loadAuthor', 'countPosts']));
    expect(page.localKeys).not.toContain('settings');
    const partials = detail.panels.templates!.renders.filter((t) => t.parentId === page.id);
    expect(partials.map((t) => t.name)).toEqual(['ejs/partials/author', 'ejs/partials/author', 'ejs/partials/author']);
    expect(partials.every((t) => t.file === `${VIEWS}ejs/partials/author.ejs` && t.localKeys.includes('author'))).toBe(true);
    // 3 authors loaded by the page, 3 counts by the partials: the N+1 the template triggers.
    expect(page.queryIds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(partials.map((t) => t.queryIds)).toEqual([[2], [4], [6]]);
    // On the timeline: handler > render > include > query.
    const pageSpan = span(detail, page.id);
    expect(pageSpan).toMatchObject({ kind: 'render', name: 'ejs/page.ejs', detail: 'ejs' });
    expect(span(detail, pageSpan.parentId!).name).toBe('ejsPage');
    expect(childrenOf(detail.panels.timeline!.spans, page.id, ['query']).map((s) => s.id)).toEqual(['query-1', 'query-3', 'query-5']);
    expect(childrenOf(detail.panels.timeline!.spans, partials[0].id, ['query']).map((s) => s.id)).toEqual(['query-2']);
    expect(page.durationMs).toBeGreaterThanOrEqual(partials.reduce((sum, t) => sum + t.durationMs, 0));
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('EJS (sync): each include once per call', async () => {
    const { detail } = await fetchRecorded(server.url, '/ejs-sync');
    const page = template(detail, 'ejs/sync.ejs');
    expect(detail.panels.templates!.renders.filter((t) => t.parentId === page.id).map((t) => t.name))
      .toEqual(['ejs/partials/line', 'ejs/partials/line']);
    expect(page.queryIds).toEqual([]);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('express-handlebars: the view and a partial per call, with the queries a helper ran', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/hbs');
    expect(body).toContain('author 3');
    const page = template(detail, 'hbs/page.hbs');
    expect(page).toMatchObject({ engine: 'handlebars', file: `${VIEWS}hbs/page.hbs` });
    expect(page.localKeys).toEqual(expect.arrayContaining(['title', 'authors']));
    const partials = detail.panels.templates!.renders.filter((t) => t.parentId === page.id);
    expect(partials.map((t) => t.name)).toEqual(['author', 'author', 'author']);
    expect(partials[0].localKeys).toEqual(['id', 'name']);
    // Query 1 is the handler's; 2-4 ran from the partials' helper.
    expect(page.queryIds).toEqual([2, 3, 4]);
    // One query each; a pool of two may start them out of order.
    expect(partials.map((t) => t.queryIds.length)).toEqual([1, 1, 1]);
    expect(partials.flatMap((t) => t.queryIds).sort()).toEqual([2, 3, 4]);
    expect(span(detail, 'query-1').parentId).toBe(span(detail, page.id).parentId);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('Pug: the view, its includes listed as inlined, and the query a local function ran', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/pug');
    expect(body).toContain('<h1>Pug</h1>');
    const page = template(detail, 'pug/page.pug');
    expect(page).toMatchObject({ engine: 'pug', queryIds: [1] });
    expect(page.localKeys).toEqual(expect.arrayContaining(['title', 'touch']));
    const includes = detail.panels.templates!.renders.filter((t) => t.parentId === page.id);
    expect(includes.map((t) => [t.name, t.inlined, t.durationMs])).toEqual([
      ['includes/header', true, 0], ['includes/footer', true, 0],
    ]);
    expect(includes[0].file).toBe(`${VIEWS}pug/includes/header.pug`);
    expect(span(detail, 'query-1').parentId).toBe(page.id);
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('Nunjucks: the view and each include, with the queries a global function ran', async () => {
    const { body, detail } = await fetchRecorded(nunjucksServer.url, '/njk');
    expect(body).toContain('<header>Nunjucks</header>');
    const page = template(detail, 'page.njk');
    expect(page).toMatchObject({ engine: 'nunjucks', file: `${VIEWS}njk/page.njk` });
    const includes = detail.panels.templates!.renders.filter((t) => t.parentId === page.id);
    expect(includes.map((t) => t.name)).toEqual(['includes/header', 'includes/row', 'includes/row']);
    expect(includes.map((t) => t.queryIds)).toEqual([[], [1], [2]]);
    expect(page.queryIds).toEqual([1, 2]);
    expectWellNested(detail.panels.timeline!.spans);
  });
});
