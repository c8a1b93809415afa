import { describe, expect, it } from 'vitest';
import { isStaticAsset, requestFlags } from './flags.js';
import { summary } from '../../testing/history.js';

describe('requestFlags', () => {
  it.each([
    [301, undefined, ['redirect']],
    [302, '/login', ['redirect']],
    [303, '/done', ['redirect']],
    [307, undefined, ['redirect']],
    [308, undefined, ['redirect']],
    // Issue 12: a 304 Not Modified was flagged "redirect".
    [304, undefined, []],
    [200, undefined, []],
  ])('status %d, Location %s → %j', (status, location, texts) => {
    expect(requestFlags(summary('r', { status, location })).map((f) => f.text)).toEqual(texts);
  });

  it('flags an answer a response cache replayed, naming the request it came from', () => {
    const [flag] = requestFlags(summary('hit-2', { queryCount: 0, replayedFrom: 'fill-1' }));
    expect(flag).toMatchObject({ text: 'cached', tone: 'info' });
    expect(flag.title).toContain('fill-1');
  });
});

describe('isStaticAsset', () => {
  it.each([
    ['GET', '/style.css', 'text/css; charset=UTF-8', true],
    ['GET', '/app.js', 'application/javascript; charset=UTF-8', true],
    ['GET', '/app.js', 'text/javascript', true],
    ['GET', '/favicon.svg', 'image/svg+xml', true],
    ['GET', '/fonts/inter.woff2', 'font/woff2', true],
    // express.static answers a conditional GET with a 304 that has no Content-Type: the path tells.
    ['GET', '/style.css?v=3', null, true],
    ['GET', '/favicon.ico', null, true],
    ['HEAD', '/logo.png', null, true],
    ['GET', '/posts', 'text/html; charset=utf-8', false],
    ['GET', '/api/posts', 'application/json; charset=utf-8', false],
    ['GET', '/report.css', 'text/html', false],
    ['GET', '/posts', null, false],
    ['POST', '/upload.png', null, false],
  ])('%s %s (%s) → %s', (method, url, contentType, expected) => {
    expect(isStaticAsset({ method, url, contentType })).toBe(expected);
  });
});
