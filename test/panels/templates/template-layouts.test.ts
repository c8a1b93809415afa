import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import Database from 'better-sqlite3';
import hbs from 'hbs';
import ejsLayouts from 'express-ejs-layouts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { RequestDetail, TemplateRender } from '../../../server/types.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { expectWellNested } from '../../support/timeline.js';

/*
 * Issue 12, template renders: hbs (`view engine` hbs, `registerPartials(dir)`, layout.hbs) and
 * express-ejs-layouts. hbs registers its partials as strings, which Handlebars compiles on their
 * first use outside `VM.invokePartial`: before, on the first render each partial was an empty
 * record, its own partials nested under the view, its file unknown, the layout missing.
 */
const VIEWS = fileURLToPath(new URL('../../fixtures/template-layouts/', import.meta.url));
const lineIn = (file: string, text: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const AUTHORS = [{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }, { id: 3, name: 'cy' }];

const db = new Database(':memory:');
db.exec(`CREATE TABLE users (id integer PRIMARY KEY, name text); INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');`);
/** A helper the partial calls per author: a query per call, the N+1 a template makes. */
const touch = (id: number) => (db.prepare('SELECT name FROM users WHERE id = ?').get(id) as { name: string }).name.slice(0, 0);

/** [name, parent's name, file] of every render, in order. */
function tree(detail: RequestDetail): [string, string | null, string | null][] {
  const byId = new Map(detail.panels.templates!.renders.map((t) => [t.id, t]));
  return detail.panels.templates!.renders.map((t) => [t.name, t.parentId ? byId.get(t.parentId)!.name : null, t.file]);
}

const compiled = (templates: TemplateRender[]) => templates.filter((t) => t.compileMs !== undefined).map((t) => t.name);

describe.each([
  // Express 5 renders with the hbs module Express requires itself (found by the toolbar);
  // Express 4 with an instance of `hbs.create()`, passed to `instrument` as the README says.
  ['Express 5', express5, null],
  ['Express 4', express4 as unknown as typeof express5, hbs.create()],
])('hbs on %s', (_name, express, instance) => {
  let server: Awaited<ReturnType<typeof listen>>;
  const hbsDir = `${VIEWS}hbs/`;
  const partial = (name: string) => `${hbsDir}partials/${name}.hbs`;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({ instrument: instance ? { betterSqlite3: Database, handlebars: instance } : { betterSqlite3: Database } }));
    app.set('views', hbsDir);
    app.set('view engine', 'hbs');
    if (instance) app.engine('hbs', instance.__express);
    const engine = instance ?? hbs;
    engine.registerHelper('touch', touch);
    await new Promise<void>((done) => engine.registerPartials(`${hbsDir}partials`, done));
    app.get('/authors', function authorsPage(_req, res) {
      res.render('page', { title: 'Authors', authors: AUTHORS });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
  });

  const expected = [
    ['page', null, `${hbsDir}page.hbs`],
    ...AUTHORS.flatMap(() => [['author', 'page', partial('author')], ['nested/badge', 'author', partial('nested/badge')]]),
    ['layout', 'page', `${hbsDir}layout.hbs`],
    ['header', 'layout', partial('header')],
  ];

  it('first render: the layout is listed, each string partial nests under its parent with its file and compile time', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/authors');
    expect(body).toContain('<header>Authors</header>');
    expect(body).toContain('<b>cy</b>');
    expect(tree(detail)).toEqual(expected);
    // Each partial compiled once, on its first call, inside its own render: not its parent's self time.
    const firstOfEach = ['page', 'author', 'nested/badge', 'layout', 'header'];
    expect(compiled(detail.panels.templates!.renders)).toEqual(firstOfEach);
    for (const t of detail.panels.templates!.renders) expect(t.compileMs ?? 0).toBeLessThanOrEqual(t.durationMs);
    // The partials' queries are theirs, and the loop is the partial's line (template lines of a string partial).
    const authors = detail.panels.templates!.renders.filter((t) => t.name === 'author');
    expect(authors.map((t) => t.queryIds.length)).toEqual([1, 1, 1]);
    expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
    expect(detail.panels.sql!.nPlusOne[0].loop).toEqual({ file: partial('author'), line: lineIn(partial('author'), 'touch id'), function: null, inTemplate: true });
    expectWellNested(detail.panels.timeline!.spans);
  });

  it('later renders: the same tree; the partials, compiled once, have no compile time', async () => {
    const { detail } = await fetchRecorded(server.url, '/authors');
    expect(tree(detail)).toEqual(expected);
    // The view cache is off outside production: hbs compiles the view and layout again, not the partials.
    expect(compiled(detail.panels.templates!.renders)).toEqual(['page', 'layout']);
    expect(detail.panels.sql!.nPlusOne[0].loop?.file).toBe(partial('author'));
    expectWellNested(detail.panels.timeline!.spans);
  });
});

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('express-ejs-layouts on %s', (_name, express) => {
  let server: Awaited<ReturnType<typeof listen>>;
  const ejsDir = `${VIEWS}ejs/`;

  beforeAll(async () => {
    const app = express();
    app.use(debugToolbar({}));
    app.set('views', ejsDir);
    app.set('view engine', 'ejs');
    app.use(ejsLayouts);
    app.get('/names', function namesPage(_req, res) {
      res.render('page', { title: 'Names', names: ['x', 'y'] });
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the view, then the layout beside it (rendered after, with the view\'s HTML), each with its includes and files', async () => {
    const { body, detail } = await fetchRecorded(server.url, '/names');
    expect(body).toMatch(/<title>Names<\/title>.*<header>Names<\/header>\s*<h1>Names<\/h1>/);
    expect(tree(detail)).toEqual([
      ['page', null, `${ejsDir}page.ejs`],
      ['partials/row', 'page', `${ejsDir}partials/row.ejs`],
      ['partials/row', 'page', `${ejsDir}partials/row.ejs`],
      ['layout', null, `${ejsDir}layout.ejs`],
      ['partials/header', 'layout', `${ejsDir}partials/header.ejs`],
    ]);
    // Two renders Express ran one after the other: the layout starts once the view is over.
    const [page, layout] = detail.panels.templates!.renders.filter((t) => t.parentId === null).map((t) => detail.panels.timeline!.spans.find((s) => s.id === t.id)!);
    expect(layout.startMs).toBeGreaterThanOrEqual(page.startMs + page.durationMs);
    expectWellNested(detail.panels.timeline!.spans);
  });
});
