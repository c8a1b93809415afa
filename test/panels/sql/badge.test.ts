import { describe, expect, it } from 'vitest';
import { badgeCounts } from '../../../server/panels/sql/badge.js';
import { sqlPanel } from '../../../server/panels/sql/index.js';
import type { CapturedQuery, LiveRequest } from '../../../server/request/record.js';
import type { Dialect } from '../../../server/types.js';
import { fingerprint } from '../../../server/panels/sql/fingerprint.js';
import { sqlShape } from '../../../server/panels/sql/sql-shape.js';

function requestOf(queries: Array<[string, unknown[]]>, dialect: Dialect = 'postgres'): LiveRequest {
  return {
    id: 'b', method: 'GET', url: '/', status: 0, startedAt: 0, durationMs: 0, contentType: null, startTime: 0,
    maxQueries: 100, finished: false, queryCount: queries.length,
    queries: queries.map(([sql, params], i): CapturedQuery => ({
      id: i + 1, sql, params, startMs: 0, durationMs: 1, rowCount: 1, db: { dialect, driver: 'test' }, frames: [],
    })),
  };
}

describe('badgeCounts', () => {
  it.each([
    ['a repeated shape', [1, 2, 3].map((id) => ['SELECT * FROM t WHERE id = $1', [id]] as [string, unknown[]]), 1, 0],
    ['behind a leading comment', [1, 2, 3, 4].map((id) => ['/* loader */ select * from t where id = ?', [id]] as [string, unknown[]]), 1, 0],
    ['the same params: duplicates only', [1, 1, 1].map((id) => ['SELECT * FROM t WHERE id = $1', [id]] as [string, unknown[]]), 0, 2],
    ['below the threshold', [1, 2].map((id) => ['SELECT * FROM t WHERE id = $1', [id]] as [string, unknown[]]), 0, 0],
    // Issue 18: the panel folds a duplicate inside an N+1 into it; the badge must count alike.
    ['a duplicate inside an N+1 is not counted again', [1, 2, 1, 3].map((id) => ['SELECT * FROM t WHERE id = $1', [id]] as [string, unknown[]]), 1, 0],
    ['transaction statements', [['BEGIN', []], ['BEGIN', []], ['BEGIN', []]] as Array<[string, unknown[]]>, 0, 2],
  ])('%s', (_name, queries, nPlusOne, duplicates) => {
    expect(badgeCounts(requestOf(queries), 3)).toEqual({ queryCount: queries.length, duplicateCount: duplicates, nPlusOneCount: nPlusOne });
  });

  it("reads each query by its own database's rules: MySQL's \"…\" is a string, so these are one shape", () => {
    const queries = ['a', 'b', 'c'].map((name) => [`SELECT * FROM t WHERE name = "${name}"`, []] as [string, unknown[]]);
    expect(badgeCounts(requestOf(queries, 'mysql'), 3)).toMatchObject({ nPlusOneCount: 1 });
  });
});

/** The badge as it was counted before it grouped runs by SQL text (#17): one run key per query. */
function badgeCountsByRun(request: LiveRequest, threshold: number) {
  const runs = new Map<string, number>();
  const shapeOfRun = new Map<string, string>();
  const shapes = new Map<string, Set<string>>();
  const shapeCounts = new Map<string, number>();
  for (const query of request.queries) {
    const run = `${query.sql}\u0000${JSON.stringify(query.params)}`;
    runs.set(run, (runs.get(run) ?? 0) + 1);
    // The same statements the panel's N+1 detector considers (cached by SQL text).
    if (sqlShape(query.sql, query.db.dialect).statement === 'other') continue;
    const shape = fingerprint(query.sql, query.db.dialect);
    shapeOfRun.set(run, shape);
    shapeCounts.set(shape, (shapeCounts.get(shape) ?? 0) + 1);
    let distinct = shapes.get(shape);
    if (!distinct) shapes.set(shape, (distinct = new Set()));
    distinct.add(run);
  }
  const loops = new Set<string>();
  for (const [shape, count] of shapeCounts) {
    if (count >= threshold && (shapes.get(shape)?.size ?? 0) >= 2) loops.add(shape);
  }
  let duplicateCount = 0;
  for (const [run, count] of runs) {
    const shape = shapeOfRun.get(run);
    if (shape === undefined || !loops.has(shape)) duplicateCount += count - 1;
  }
  const nPlusOneCount = loops.size;
  return { queryCount: request.queryCount, duplicateCount, nPlusOneCount };
}

describe('badgeCounts, grouped by SQL text', () => {
  // #17: the counts are taken once per statement instead of once per query; they must not change.
  it('counts as one run key per query did, on random mixes of statements, params and dialects', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const texts = ['SELECT * FROM t WHERE id = $1', 'select * from t where id = $1', 'SELECT * FROM u WHERE a = $1 AND b = $2', 'BEGIN', 'SELECT 1'];
    for (let trial = 0; trial < 300; trial++) {
      const queries = Array.from({ length: random(25) }, () => [texts[random(texts.length)], random(4) === 0 ? undefined : [random(4)]] as [string, unknown[]]);
      const request = requestOf(queries, (['postgres', 'mysql', 'sqlite'] as Dialect[])[random(3)]);
      const threshold = 2 + random(3);
      expect(badgeCounts(request, threshold)).toEqual(badgeCountsByRun(request, threshold));
    }
  });
});

describe("the SQL panel's launcher badge", () => {
  const badgeOf = (queries: Array<[string, unknown[]]>, budget = 20) => sqlPanel.badge!({ live: requestOf(queries), threshold: 3, budget });
  const distinct = (n: number) => Array.from({ length: n }, (_, i) => [`SELECT ${i} FROM t${i}`, []] as [string, unknown[]]);

  // The launcher drew these from three counts it read off the tag; the panel now says them itself.
  it.each([
    [7, 0, 0, false],
    [20, 0, 0, false],
    [21, 0, 0, true],
  ])('%d distinct queries: warns %s', (n, _d, _n1, warn) => {
    const badge = badgeOf(distinct(n));
    expect(badge).toMatchObject({ label: 'SQL', text: String(n), say: `${n} queries` });
    expect(badge?.tone === 'warn').toBe(warn);
  });

  // Review: the page's badge warned above a fixed 20 while the fetches' sum followed queryBudget.
  it('warns over the toolbar\'s queryBudget, as the list line flags it', () => {
    expect(badgeOf(distinct(6), 5)?.tone).toBe('warn');
    expect(badgeOf(distinct(5), 5)?.tone).toBeUndefined();
    expect(badgeOf(distinct(30), 50)?.tone).toBeUndefined();
  });

  it('warns on a duplicate or an N+1, and says them', () => {
    expect(badgeOf([['SELECT 1', []], ['SELECT 1', []]])).toMatchObject({ text: '2', say: '2 queries, 1 duplicated', tone: 'warn' });
    const loop = [1, 2, 3].map((id) => ['SELECT * FROM t WHERE id = $1', [id]] as [string, unknown[]]);
    expect(badgeOf(loop)).toMatchObject({ say: '3 queries, 1 N+1', tone: 'warn' });
    expect(badgeOf([['SELECT 1', []]])).toMatchObject({ say: '1 query', fetches: { sum: 'queryCount' } });
  });
});
