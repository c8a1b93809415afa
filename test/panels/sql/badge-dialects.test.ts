import { describe, expect, it } from 'vitest';
import { badgeCounts } from '../../../server/panels/sql/badge.js';
import { findDuplicates } from '../../../server/panels/sql/groups.js';
import type { CapturedQuery, LiveRequest } from '../../../server/request/record.js';
import type { Dialect, QueryRecord } from '../../../server/types.js';

function requestOf(queries: Array<[string, unknown[], Dialect]>): LiveRequest {
  return {
    id: 'b', method: 'GET', url: '/', status: 0, startedAt: 0, durationMs: 0, contentType: null, startTime: 0,
    maxQueries: 100, finished: false, queryCount: queries.length,
    queries: queries.map(([sql, params, dialect], i): CapturedQuery => ({
      id: i + 1, sql, params, startMs: 0, durationMs: 1, rowCount: 1, db: { dialect, driver: 'test' }, frames: [],
    })),
  };
}

// Review of ff57a03: the badge now keys runs by dialect, the panel's duplicates (groups.ts runKey) do not.
describe('badge vs panel on a request that uses two databases', () => {
  it('counts the same duplicates as the panel when one statement runs on two dialects', () => {
    const sql = 'SELECT * FROM settings WHERE id = ?';
    const live = requestOf([[sql, [1], 'sqlite'], [sql, [1], 'postgres']]);
    const panelDuplicates = findDuplicates(live.queries.map((q) => ({ ...q, fingerprint: 'f' }) as unknown as QueryRecord))
      .reduce((n, g) => n + g.count - 1, 0);
    expect(panelDuplicates).toBe(1);
    // Before ff57a03: 1 (runs keyed by SQL text and params, like the panel). Now: 0.
    expect(badgeCounts(live, 3).duplicateCount).toBe(panelDuplicates);
  });

  it('does not call the same params on two dialects an N+1', () => {
    const sql = 'SELECT * FROM settings WHERE id = ?';
    const live = requestOf([[sql, [1], 'sqlite'], [sql, [1], 'sqlite'], [sql, [1], 'postgres']]);
    // Before ff57a03: { duplicateCount: 2, nPlusOneCount: 0 }. Now: { 0, 1 }: "1 N+1" for one value read thrice.
    expect(badgeCounts(live, 3)).toMatchObject({ duplicateCount: 2, nPlusOneCount: 0 });
  });
});

// Pre-existing (7d979b2 too), kept by ec4b0c3: groups.ts reads bigint params with a replacer, the badge does not.
describe('badge with bigint params (better-sqlite3 safeIntegers, pg int8 ids)', () => {
  it('counts them instead of throwing (a throw drops the SQL badge: lifecycle.ts catches it)', () => {
    const sql = 'SELECT * FROM t WHERE id = ?';
    const live = requestOf([[sql, [1n], 'sqlite'], [sql, [1n], 'sqlite']]);
    expect(() => badgeCounts(live, 3)).not.toThrow();
  });
});
