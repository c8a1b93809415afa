import { describe, expect, it } from 'vitest';
import type { QueryRecord } from '../../../server/types.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { diffRequests, earlierRuns, formatDiffSummary, signedMs } from './compare.js';
import { detailOf, summary } from '../../testing/history.js';
import { sqlOf, withSql } from '../../testing/panel-details.js';

const q = (id: number, fingerprint: string): QueryRecord => ({ ...sqlOf(sampleDetail).queries[0], id, fingerprint, sql: `SQL ${fingerprint}` });

describe('diffRequests', () => {
  // Before: 1 list query + 10 per-row lookups + 1 count (12); after: 1 list query + 1 batched lookup (2).
  const before = withSql(detailOf(summary('old', { queryCount: 12, durationMs: 50 })), {
    queries: [q(1, 'list'), ...Array.from({ length: 10 }, (_, i) => q(i + 2, 'row')), q(12, 'count')],
    totalQueryMs: 30.14,
  });
  const after = withSql(detailOf(summary('new', { queryCount: 2, durationMs: 16 })), { queries: [q(1, 'list'), q(2, 'batch')], totalQueryMs: 3.04 });

  it('counts shapes that came and went, biggest change first', () => {
    const diff = diffRequests(before, after);
    expect(diff.added).toEqual([{ fingerprint: 'batch', sql: 'SQL batch', before: 0, after: 1 }]);
    expect(diff.removed).toEqual([
      { fingerprint: 'row', sql: 'SQL row', before: 10, after: 0 },
      { fingerprint: 'count', sql: 'SQL count', before: 1, after: 0 },
    ]);
    expect(diff.queries).toEqual({ before: 12, after: 2 });
    expect(diff.queryMs).toEqual({ before: 30.14, after: 3.04 });
    expect(formatDiffSummary(diff)).toBe('12 → 2 queries, −34 ms');
    expect(formatDiffSummary(diffRequests(after, before))).toBe('2 → 12 queries, +34 ms');
  });

  it('reports a count that changed without the shape disappearing', () => {
    const more = withSql(detailOf(summary('more')), { queries: [q(1, 'list'), q(2, 'row'), q(3, 'row'), q(4, 'row')] });
    const fewer = withSql(detailOf(summary('fewer')), { queries: [q(1, 'list'), q(2, 'row')] });
    expect(diffRequests(fewer, more).added).toEqual([{ fingerprint: 'row', sql: 'SQL row', before: 1, after: 3 }]);
    expect(diffRequests(fewer, more).removed).toEqual([]);
  });
});

describe('signedMs', () => {
  it.each([
    [-34.2, '−34 ms'],
    [12.6, '+13 ms'],
    [0.3, '±0 ms'],
  ])('%d → %s', (delta, text) => expect(signedMs(delta)).toBe(text));
});

describe('earlierRuns', () => {
  it('keeps earlier requests with the same method, path and query string', () => {
    const now = summary('now', { url: '/posts?page=2', startedAt: 300 });
    const list = [
      summary('later', { url: '/posts?page=2', startedAt: 400 }),
      now,
      summary('post', { method: 'POST', url: '/posts?page=2', startedAt: 250 }),
      // Issue 12: another page of the list was offered as an earlier run of this one.
      summary('page-1', { url: '/posts?page=1', startedAt: 220 }),
      summary('no-query', { url: '/posts', startedAt: 210 }),
      summary('other', { url: '/postsX?page=2', startedAt: 200 }),
      summary('old', { url: '/posts?page=2', startedAt: 200 }),
      summary('older', { url: '/posts?page=2', startedAt: 100 }),
    ];
    expect(earlierRuns(list, now).map((r) => r.id)).toEqual(['old', 'older']);
  });
});
