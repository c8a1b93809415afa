import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express5 from 'express';
import express4 from 'express4';
import ejs from 'ejs';
import pug from 'pug';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../server/index.js';
import type { RequestDetail } from '../../../server/types.js';
import { fetchRecorded, listen } from '../../support/http.js';
import { expectWellNested } from '../../support/timeline.js';

/*
 * Issue 12, template renders: on the first render after start-up (or on every render with the
 * view cache off, Express' default outside production) EJS compiles each include on the fly, just
 * before calling it, inside its parent's render, and Pug compiles the view. Before, that time was
 * the parent's (the view's) self time. Now it is the compiled template's `compileMs`: an include's
 * render starts with its compile, and the time is never self time. Each describe empties the
 * engines' caches first, as a new process starts.
 */
const VIEWS = fileURLToPath(new URL('../../fixtures/template-compile/', import.meta.url));

/** [name, parent's name, compiled?] of every render, in order. */
function tree(detail: RequestDetail): [string, string | null, boolean][] {
  const byId = new Map(detail.panels.templates!.renders.map((t) => [t.id, t]));
  return detail.panels.templates!.renders.map((t) => [t.name, t.parentId ? byId.get(t.parentId)!.name : null, (t.compileMs ?? 0) > 0]);
}

function expectCompileInsideDuration(detail: RequestDetail): void {
  for (const t of detail.panels.templates!.renders) expect(t.compileMs ?? 0, t.name).toBeLessThanOrEqual(t.durationMs);
}

function emptyEngineCaches(): void {
  ejs.clearCache();
  const cache = (pug as unknown as { cache: Record<string, unknown> }).cache;
  for (const key of Object.keys(cache)) delete cache[key];
}

const PAGE = 'ejs/page.ejs';
const ROW = 'ejs/partials/row';
const CELL = 'ejs/partials/cell';
/** The view, two rows, a cell in each; `compiled` says which renders compiled what they ran. */
const ejsTree = (compiled: [boolean, boolean, boolean, boolean, boolean]): [string, string | null, boolean][] => [
  [PAGE, null, compiled[0]], [ROW, PAGE, compiled[1]], [CELL, ROW, compiled[2]], [ROW, PAGE, compiled[3]], [CELL, ROW, compiled[4]],
];

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('compile time on the first render, on %s', (_name, express) => {
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    emptyEngineCaches();
    for (const cache of [true, false]) {
      const app = express();
      app.use(debugToolbar({ instrument: { ejs, pug } }));
      app.set('views', VIEWS);
      app.set('view cache', cache);
      app.get('/ejs', function ejsPage(_req, res) {
        res.render('ejs/page.ejs', { title: 'EJS', names: ['x', 'y'] });
      });
      app.get('/pug', function pugPage(_req, res) {
        res.render('pug/page.pug', { title: 'Pug', names: ['x', 'y'] });
      });
      const server = await listen(app);
      servers.push(server);
      urls[cache ? 'cached' : 'uncached'] = server.url;
    }
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('EJS, view cache on: the first render compiles the view and each include, inside their own renders; the next compiles nothing', async () => {
    const first = (await fetchRecorded(urls.cached, '/ejs')).detail;
    // Each include compiled once, on its first call; the second row and cell reuse the functions.
    expect(tree(first)).toEqual(ejsTree([true, true, true, false, false]));
    expectCompileInsideDuration(first);
    expectWellNested(first.panels.timeline!.spans);
    const second = (await fetchRecorded(urls.cached, '/ejs')).detail;
    expect(tree(second)).toEqual(ejsTree([false, false, false, false, false]));
    expectWellNested(second.panels.timeline!.spans);
  });

  it('EJS, view cache off: every render compiles every include it calls, each charged to the include', async () => {
    for (let i = 0; i < 2; i++) {
      const { body, detail } = await fetchRecorded(urls.uncached, '/ejs');
      expect(body).toContain('<p><b>y</b>');
      expect(tree(detail)).toEqual(ejsTree([true, true, true, true, true]));
      expectCompileInsideDuration(detail);
      expectWellNested(detail.panels.timeline!.spans);
    }
  });

  it('Pug, view cache on: the first render compiles the view (its includes inlined), the next does not', async () => {
    const first = (await fetchRecorded(urls.cached, '/pug')).detail;
    expect(tree(first)).toEqual([['pug/page.pug', null, true], ['includes/header', 'pug/page.pug', false]]);
    expectCompileInsideDuration(first);
    const second = (await fetchRecorded(urls.cached, '/pug')).detail;
    expect(tree(second)).toEqual([['pug/page.pug', null, false], ['includes/header', 'pug/page.pug', false]]);
  });

  it('Pug, view cache off: every render compiles the view', async () => {
    for (let i = 0; i < 2; i++) {
      const { body, detail } = await fetchRecorded(urls.uncached, '/pug');
      expect(body).toContain('<header>Pug</header>');
      expect(tree(detail)).toEqual([['pug/page.pug', null, true], ['includes/header', 'pug/page.pug', false]]);
    }
  });
});
