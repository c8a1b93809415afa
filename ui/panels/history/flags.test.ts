import { describe, expect, it } from 'vitest';
import { requestFlags } from './flags.js';
import { summary } from './testing.js';

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
