import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TimelineSpan } from '../../../server/types.js';
import { startChildApp } from '../../support/child-app.js';
import { fetchRecorded, waitForRecord } from '../../support/http.js';

/*
 * Apps that wrap every handler (asyncHandler, catchAsync) and mount two routers: each layer's
 * span carries the line that registered it, and its mount path, on real Express 4 and 5, in
 * CommonJS and ES modules. The apps run in child processes under tsx, as a user's would.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/registration/', import.meta.url));

/** The file and line holding `// marker`: the fixture's code is the truth, not a number here. */
function marked(file: string, marker: string) {
  const line = readFileSync(file, 'utf8').split('\n').findIndex((text) => text.includes(`// ${marker}`)) + 1;
  expect(line, marker).toBeGreaterThan(0);
  return { file, line };
}

const layers = (timeline: TimelineSpan[]) => timeline.filter((span) => span.kind === 'middleware' || span.kind === 'handler');

describe.each([
  ['CommonJS', 'cjs', 'app.cjs', 'asyncHandler', '.cjs'],
  ['ES modules', 'esm', 'app.mjs', 'catchAsync', '.mjs'],
])('registration sites, %s', (_name, folder, entry, wrapper, extension) => {
  describe.each([['Express 4', 'express4'], ['Express 5', 'express']])('on %s', (_express, module) => {
    const dir = `${FIXTURES}${folder}/`;
    const app = `${dir}${entry}`;
    const articles = `${dir}routes/articles${extension}`;
    const users = `${dir}routes/users${extension}`;
    let running: Awaited<ReturnType<typeof startChildApp>>;

    beforeAll(async () => {
      running = await startChildApp(app, { EDT_EXPRESS: module, NODE_ENV: 'development' });
    });
    afterAll(async () => {
      await running?.stop();
    });

    it('tells wrapped handlers apart by the line that registered them, with the full route', async () => {
      const article = layers((await fetchRecorded(running.url, '/api/articles/hello')).detail.panels.timeline!.spans);
      const user = layers((await fetchRecorded(running.url, '/api/users/7')).detail.panels.timeline!.spans);
      const articleHandler = article.find((span) => span.kind === 'handler')!;
      const userHandler = user.find((span) => span.kind === 'handler')!;
      expect(articleHandler).toMatchObject({ name: wrapper, detail: 'GET /api/articles/:slug', registeredAt: marked(articles, 'ARTICLE-GET') });
      expect(userHandler).toMatchObject({ name: wrapper, detail: 'GET /api/users/:id', registeredAt: marked(users, 'USER-GET') });
    });

    it('names a handler registered through router.route().post() by its line', async () => {
      const response = await fetch(`${running.url}/api/articles/hello/comments`, { method: 'POST' });
      expect(response.status).toBe(201);
      const id = response.headers.get('x-debug-toolbar-id')!;
      const handler = layers((await waitForRecord(running.url, id)).panels.timeline!.spans).find((span) => span.kind === 'handler')!;
      expect(handler).toMatchObject({ name: wrapper, detail: 'POST /api/articles/:slug/comments', registeredAt: marked(articles, 'COMMENT-POST') });
    });

    it('tells the two routers apart by mount path and by the line that mounted them', async () => {
      const spans = layers((await fetchRecorded(running.url, '/api/users/7')).detail.panels.timeline!.spans);
      const routers = spans.filter((span) => span.kind === 'middleware' && span.detail?.startsWith('mounted at'));
      expect(routers.map((span) => [span.detail, span.registeredAt])).toEqual([
        ['mounted at /api', marked(app, 'MOUNT-API')],
        ['mounted at /api/users', marked(app, 'MOUNT-USERS')],
      ].map(([detail, site]) => [detail, expect.objectContaining(site as object)]));
    });

    it.runIf(folder === 'cjs')('leaves out the line of a router registered before the toolbar was loaded', async () => {
      const handler = layers((await fetchRecorded(running.url, '/early/3')).detail.panels.timeline!.spans).find((span) => span.kind === 'handler')!;
      expect(handler).toMatchObject({ name: wrapper, detail: 'GET /early/:id' });
      expect(handler.registeredAt).toBeUndefined();
    });
  });
});
