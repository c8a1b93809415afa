import { describe, expect, it } from 'vitest';
import { analyzeSql } from '../../../server/panels/sql/findings.js';
import { fingerprint } from '../../../server/panels/sql/fingerprint.js';
import type { QueryRecord, RawFrame } from '../../../server/types.js';

const FILE = '/app/routes/articles.js';
const at = (line: number, fn = 'list', file = FILE): RawFrame => ({ file, line, column: 9, function: fn });
const HANDLER = at(30, 'handler', '/app/app.js');

/** Queries in order, each with its frames (innermost first). */
function run(...steps: [sql: string, params: unknown[], frames: RawFrame[]][]) {
  const queries: QueryRecord[] = steps.map(([sql, params, frames], i) => ({
    id: i + 1, sql, params, startMs: i * 2, durationMs: 1, rowCount: 1, db: { dialect: 'postgres', driver: 'pg' },
    fingerprint: fingerprint(sql), callSite: { ...frames[0] },
  }));
  const frames = new Map(queries.map((q, i) => [q.id, steps[i][2]]));
  return analyzeSql(queries, (q) => frames.get(q.id) ?? []);
}
const ARTICLES = 'SELECT * FROM articles';
const AUTHOR = 'SELECT * FROM users WHERE id = $1';
const TAGS = 'SELECT * FROM tags JOIN article_tags ON tags.id = article_tags.tag_id WHERE article_tags.article_id = $1';
const COUNT = 'SELECT count(*) FROM comments WHERE article_id = $1';
const ROWS = [1, 2, 3, 4];

describe('one finding per loop', () => {
  it('gives the shapes of one loop body one loop: the line of its first query', () => {
    const { nPlusOne } = run(
      [ARTICLES, [], [at(55), HANDLER]],
      ...ROWS.flatMap((id) => [[AUTHOR, [id % 2], [at(57), HANDLER]], [TAGS, [id], [at(58), HANDLER]], [COUNT, [id], [at(59), HANDLER]]] as const)
        .map(([sql, params, frames]) => [sql, [...params], [...frames]] as [string, unknown[], RawFrame[]]),
    );
    expect(nPlusOne.map((g) => [g.callSite?.line, g.count])).toEqual([[57, 4], [58, 4], [59, 4]]);
    expect(new Set(nPlusOne.map((g) => JSON.stringify(g.loop)))).toEqual(new Set([JSON.stringify({ file: FILE, line: 57, function: 'list' })]));
  });

  it('names the line that calls a helper running several shapes per row', () => {
    const enrich = (line: number) => [at(line, 'enrich', '/app/lib/enrich.js'), at(60), HANDLER];
    const { nPlusOne } = run(
      [ARTICLES, [], [at(55), HANDLER]],
      ...ROWS.flatMap((id): [string, unknown[], RawFrame[]][] => [[AUTHOR, [id], enrich(10)], [TAGS, [id], enrich(11)]]),
      ['SELECT 1', [], [at(62), HANDLER]],
    );
    expect(nPlusOne).toHaveLength(2);
    expect(nPlusOne.map((g) => g.loop)).toEqual([{ file: FILE, line: 60, function: 'list' }, { file: FILE, line: 60, function: 'list' }]);
  });

  it('keeps two loops apart: one after the other, or in different functions', () => {
    const sequential = run(
      ...ROWS.map((id): [string, unknown[], RawFrame[]] => [AUTHOR, [id], [at(57), HANDLER]]),
      ...ROWS.map((id): [string, unknown[], RawFrame[]] => [TAGS, [id], [at(61), HANDLER]]),
    );
    expect(sequential.nPlusOne.map((g) => g.loop?.line)).toEqual([57, 61]);
    const elsewhere = run(...ROWS.flatMap((id): [string, unknown[], RawFrame[]][] => [
      [AUTHOR, [id], [at(57), HANDLER]], [TAGS, [id], [at(12, 'other', '/app/other.js'), at(40, 'handler2', '/app/app.js')]],
    ]));
    expect(elsewhere.nPlusOne.map((g) => g.loop?.line)).toEqual([57, 12]);
  });

  it('folds a duplicate whose queries are all in the loop into it, and keeps the others', () => {
    const { nPlusOne, duplicates } = run(
      [ARTICLES, [], [at(55), HANDLER]],
      // Two articles by author 1: the author query repeats with the same params inside the loop.
      ...ROWS.flatMap((id): [string, unknown[], RawFrame[]][] => [[AUTHOR, [id % 2], [at(57), HANDLER]], [TAGS, [id], [at(58), HANDLER]]]),
      [ARTICLES, [], [at(70), HANDLER]],
    );
    expect(nPlusOne).toHaveLength(2);
    expect(duplicates.map((d) => d.sql)).toEqual([ARTICLES]);
  });
});
