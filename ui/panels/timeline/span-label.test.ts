import { describe, expect, it } from 'vitest';
import type { TimelineSpan } from '../../../server/types.js';
import { spanLabel } from './span-label.js';

const span = (over: Partial<TimelineSpan>): TimelineSpan => ({
  id: 's1', parentId: 'request', kind: 'handler', name: 'asyncHandler', startMs: 1, durationMs: 2, ...over,
});
const site = (file: string, line: number, unmapped?: true) => ({ file, line, column: 3, function: null, ...(unmapped ? { unmapped } : {}) });

describe('spanLabel', () => {
  it('names a wrapped handler by its route and the line that registered it', () => {
    expect(spanLabel(span({ detail: 'GET /articles/:slug', registeredAt: site('/srv/app/routes/articles.js', 14) })))
      .toBe('asyncHandler · GET /articles/:slug (app/routes/articles.js:14)');
  });

  it('names a router by its mount path and the line that mounted it', () => {
    expect(spanLabel(span({ kind: 'middleware', name: 'router', detail: 'mounted at /api/articles', registeredAt: site('/srv/app/app.js', 22) })))
      .toBe('router · mounted at /api/articles (srv/app/app.js:22)');
  });

  it('says when the line could not be source-mapped, and leaves out a line it does not know', () => {
    expect(spanLabel(span({ detail: 'GET /a', registeredAt: site('/srv/app/src/a.ts', 9, true) })))
      .toBe('asyncHandler · GET /a (app/src/a.ts:9, not source-mapped)');
    expect(spanLabel(span({ detail: 'GET /a' }))).toBe('asyncHandler · GET /a');
  });

  it('keeps other spans as their name', () => {
    expect(spanLabel(span({ kind: 'query', name: 'SELECT 1', detail: 'failed: x' }))).toBe('SELECT 1');
  });
});
