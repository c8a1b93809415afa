import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import express4 from 'express4';
import type { ErrorRequestHandler } from 'express';
import { debugToolbar } from '../../server/index.js';
import { fetchRecorded, listen } from '../support/http.js';

/*
 * Issue 15: the error a request fails with is the core's, not the timeline's. With
 * `timeline: false` a 500 used to lose its error (only the timeline's Layer patch saw `next(err)`).
 */
describe.each([
  ['Express 5, timeline off', express, false],
  ['Express 4, timeline off', express4 as unknown as typeof express, false],
  ['Express 5, timeline on', express, true],
])('the error of a failed request (%s)', (_name, makeApp, timeline) => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = makeApp();
    app.use(debugToolbar({ timeline }));
    app.get('/throws', () => {
      throw new Error('the handler threw');
    });
    app.get('/next', (_req, _res, next) => next(new Error('passed to next')));
    app.get('/handled', (_req, _res, next) => next(new Error('the app handles this one')));
    const handler: ErrorRequestHandler = (error, req, res, next) => {
      if (req.path !== '/handled') return next(error);
      res.status(422).json({ message: (error as Error).message });
    };
    app.use(handler);
    ({ url: base, close } = await listen(app));
  });
  afterAll(() => close());

  it('keeps a thrown error, one passed to next(), and one the app\'s own error handler answers', async () => {
    for (const [path, message, status] of [['/throws', 'the handler threw', 500], ['/next', 'passed to next', 500], ['/handled', 'the app handles this one', 422]] as const) {
      const { detail, response } = await fetchRecorded(base, path);
      expect(response.status).toBe(status);
      expect(detail.error?.message).toContain(message);
      expect(detail.error?.stack[0]?.file).toBe(new URL(import.meta.url).pathname);
    }
  });

  it('has no error for a request that did not fail', async () => {
    const { detail } = await fetchRecorded(base, '/nowhere');
    expect(detail.status).toBe(404);
    expect(detail.error).toBeUndefined();
  });
});
