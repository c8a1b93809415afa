import { describe, expect, it } from 'vitest';
import { findDuplicates, findNPlusOne, findSimilar } from '../../../server/panels/sql/groups.js';
import { parentCandidates } from '../../../server/panels/sql/parent-query.js';
import { analyzeSql } from '../../../server/panels/sql/findings.js';
import { fingerprint } from '../../../server/panels/sql/fingerprint.js';
import type { CallSite, QueryRecord, RawFrame } from '../../../server/types.js';

const LOOP: CallSite = { file: '/app/routes/posts.ts', line: 14, column: 5, function: 'list' };
const OTHER: CallSite = { file: '/app/routes/posts.ts', line: 30, column: 5, function: 'list' };

let nextId = 1;
function q(sql: string, params: unknown[] = [], extra: Partial<QueryRecord> = {}): QueryRecord {
  const id = extra.id ?? nextId++;
  return {
    id, sql, params, startMs: id * 2, durationMs: 1, rowCount: 1, db: { dialect: 'postgres', driver: 'pg' },
    fingerprint: fingerprint(sql), callSite: LOOP, ...extra,
  };
}
function request(...queries: QueryRecord[]): QueryRecord[] {
  return queries.map((query, i) => ({ ...query, id: i + 1, startMs: query.startMs === -1 ? 0 : (i + 1) * 2 }));
}
const AUTHOR = 'SELECT id, name FROM authors WHERE id = $1';
const POSTS = 'SELECT id, author_id, title FROM posts';

describe('N+1 detection', () => {
  it.each<[string, QueryRecord[], number[]]>([
    ['a loop: 1 + 4 queries', request(q(POSTS, [], { rowCount: 4 }), ...[1, 2, 3, 4].map((id) => q(AUTHOR, [id]))), [4]],
    ['exactly the threshold', request(...[1, 2, 3].map((id) => q(AUTHOR, [id]))), [3]],
    ['below the threshold', request(...[1, 2].map((id) => q(AUTHOR, [id]))), []],
    ['some params repeat: still a loop', request(...[1, 1, 2, 1].map((id) => q(AUTHOR, [id]))), [4]],
    ['all params the same: a duplicate, not an N+1', request(...[1, 1, 1].map((id) => q(AUTHOR, [id]))), []],
    ['a loop over different tables', request(...['authors', 'posts', 'tags'].map((t) => q(`SELECT * FROM ${t} WHERE id = $1`, [1]))), []],
    ['two call sites of one shape: two groups',
      request(...[1, 2, 3].map((id) => q(AUTHOR, [id])), ...[4, 5, 6].map((id) => q(AUTHOR, [id], { callSite: OTHER }))), [3, 3]],
    ['the same line at another column (sync and async frames) is one site',
      request(...[1, 2, 3].map((id) => q(AUTHOR, [id], { callSite: { ...LOOP, column: 40 + id } }))), [3]],
    ['literals inlined by the ORM (sequelize)',
      request(...[1, 2, 3].map((id) => q(`SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ${id};`))), [3]],
    ['no call site at all still groups', request(...[1, 2, 3].map((id) => q(AUTHOR, [id], { callSite: null }))), [3]],
    ['transaction control never counts', request(...[1, 2, 3].map((id) => q(`SAVEPOINT s${id}`))), []],
  ])('%s', (_name, queries, counts) => {
    expect(findNPlusOne(queries).map((m) => m.queries.length)).toEqual(counts);
  });

  it('takes the threshold from the option', () => {
    const queries = request(...[1, 2, 3, 4].map((id) => q(AUTHOR, [id])));
    expect(findNPlusOne(queries, 5)).toEqual([]);
    expect(findNPlusOne(queries, 4)).toHaveLength(1);
  });

  it('flags queries that overlap in time as concurrent', () => {
    const overlapping = [1, 2, 3].map((id) => ({ ...q(AUTHOR, [id]), id, startMs: 10 + id, durationMs: 5 }));
    const sequential = [1, 2, 3].map((id) => ({ ...q(AUTHOR, [id]), id, startMs: 10 * id, durationMs: 5 }));
    expect(findNPlusOne(overlapping)[0].concurrent).toBe(true);
    expect(findNPlusOne(sequential)[0].concurrent).toBe(false);
  });

  // Issue 18: a parent chosen by row count was confidently wrong (an include multiplies rows).
  // A single-row aggregate (findAndCountAll's COUNT, on a real app) is never the list a loop went
  // over, and was chosen as its parent: it is no candidate since issue 18's real-app trial.
  it('finds the parent from the stacks: the latest earlier query of the loop\'s function, never a one-row aggregate', () => {
    const at = (line: number, fn = 'list', file = '/app/routes/posts.ts'): RawFrame => ({ file, line, column: 3, function: fn });
    const queries = request(
      q('SELECT count(*) FROM posts', [], { rowCount: 1 }),
      q(POSTS, [], { rowCount: 40 }),
      q('SELECT * FROM settings', [], { rowCount: 5 }),
      ...[1, 2, 3, 4, 5].map((id) => q(AUTHOR, [id])),
    );
    const handler = (line: number) => at(line, 'handler', '/app/app.ts');
    const frames = (query: QueryRecord) => ({
      1: [at(10), handler(30)], 2: [at(11), handler(30)], 3: [at(5, 'config', '/app/config.ts'), handler(25)],
    } as Record<number, RawFrame[]>)[query.id] ?? [at(14), handler(30)];
    // #3 shares only handler(), the loop's caller, with the loop: list()'s own queries come first;
    // #1, the count, is none.
    expect(parentCandidates(queries, queries.slice(3), frames).map((p) => p.id)).toEqual([2, 3]);
    expect(findNPlusOne(queries, 3, frames)[0].parent?.id).toBe(2);
  });

  it('has no parent when no earlier query shares a function with the loop, or without frames', () => {
    const queries = request(q(POSTS, [], { rowCount: 3 }), ...[1, 2, 3].map((id) => q(AUTHOR, [id])));
    const elsewhere = (query: QueryRecord): RawFrame[] => [{ file: '/app/a.ts', line: query.id === 1 ? 1 : 9, column: 1, function: query.id === 1 ? 'load' : 'show' }];
    expect(findNPlusOne(queries, 3, elsewhere)[0].parent).toBeNull();
    expect(findNPlusOne(queries)[0].parent).toBeNull();
  });

  it('never takes a query that ran after the loop started, or below the loop\'s line', () => {
    const queries = request(...[1, 2, 3].map((id) => q(AUTHOR, [id])), q(POSTS, [], { rowCount: 3 }));
    expect(findNPlusOne(queries, 3, () => [{ file: '/app/a.ts', line: 9, column: 1, function: 'list' }])[0].parent).toBeNull();
    const below = request(q(POSTS, [], { rowCount: 3 }), ...[1, 2, 3].map((id) => q(AUTHOR, [id])));
    const frames = (query: QueryRecord): RawFrame[] => [{ file: '/app/a.ts', line: query.id === 1 ? 20 : 9, column: 1, function: 'list' }];
    expect(findNPlusOne(below, 3, frames)[0].parent).toBeNull();
  });
});

describe('duplicates and similar', () => {
  it('groups the same SQL and params as duplicates, the same shape as similar', () => {
    const queries = request(q(AUTHOR, [1]), q(AUTHOR, [1]), q(AUTHOR, [2]), q(POSTS));
    expect(findDuplicates(queries)).toEqual([{ fingerprint: fingerprint(AUTHOR), sql: AUTHOR, queryIds: [1, 2], count: 2 }]);
    expect(findSimilar(queries)).toEqual([{ fingerprint: fingerprint(AUTHOR), sql: AUTHOR, queryIds: [1, 2, 3], count: 3, totalMs: 3 }]);
  });
});

describe('analyzeSql', () => {
  const userFrame: RawFrame = { file: '/app/routes/posts.ts', line: 14, column: 5, function: 'list' };
  const knexFrame: RawFrame = { file: '/app/node_modules/knex/lib/execution/runner.js', line: 30, column: 1, function: 'run' };

  it('fills stack, suggestion, editor link and parent of each N+1', () => {
    const queries = request(q(POSTS, [], { rowCount: 3 }), ...[7, 8, 9].map((id) => q(AUTHOR, [id], { durationMs: 2 })));
    const { nPlusOne } = analyzeSql(queries, () => [knexFrame, userFrame], { editorUrl: 'vscode://file/{file}:{line}' });
    expect(nPlusOne).toEqual([{
      fingerprint: fingerprint(AUTHOR), sql: AUTHOR, count: 3, queryIds: [2, 3, 4], totalMs: 6, callSite: LOOP,
      // No runner compiled this .ts file here, so its line is marked as not source-mapped.
      stack: [{ ...userFrame, unmapped: true }], suggestion: expect.objectContaining({ orm: 'knex' }), editorUrl: 'vscode://file/app/routes/posts.ts:14',
      parentQueryId: 1, concurrent: false, loop: { file: LOOP.file, line: 14, function: 'list' },
    }]);
    expect(nPlusOne[0].suggestion?.reason).toBe('3 queries of one shape ran from /app/routes/posts.ts:14, one per row; one query '
      + 'instead saves 2 round trips (4.0 ms of the 6.0 ms they took). The loop goes over the rows of query #1 (the posts query at '
      + '/app/routes/posts.ts:14). Its author_id is taken to hold the authors.id values, going by the column names.');
  });

  it('looks past a helper that runs every shape of the request to the loop that called it', () => {
    const helper: RawFrame = { file: '/app/db/index.ts', line: 5, column: 3, function: 'query' };
    const loop: RawFrame = { file: '/app/routes/posts.ts', line: 20, column: 7, function: 'list' };
    const site = (f: RawFrame): CallSite => ({ ...f });
    const queries = request(
      q(POSTS, [], { rowCount: 3, callSite: site(helper) }),
      ...[1, 2, 3].map((id) => q(AUTHOR, [id], { callSite: site(helper) })),
    );
    const frames = (query: QueryRecord) => (query.id === 1 ? [helper, userFrame] : [knexFrame, helper, loop, userFrame]);
    const [group] = analyzeSql(queries, frames).nPlusOne;
    expect(group.callSite).toMatchObject({ file: '/app/routes/posts.ts', line: 20 });
    expect(group.stack.map((s) => s.line)).toEqual([5, 20, 14]);
    // A helper used for one shape only is the call site itself (like pg.test.ts's loadAuthor).
    const single = request(...[1, 2, 3].map((id) => q(AUTHOR, [id], { callSite: site(helper) })));
    expect(analyzeSql(single, () => [helper, loop]).nPlusOne[0].callSite).toMatchObject({ line: 5 });
  });

  it('leaves the editor link out without a template and still answers for SQL it cannot read', () => {
    const queries = request(...[1, 2, 3].map((id) => q('CALL refresh_author($1)', [id])), ...[1, 2, 3].map((id) => q('SELECT f($1)', [id])));
    const { nPlusOne } = analyzeSql(queries, () => []);
    expect(nPlusOne).toHaveLength(1);
    expect(nPlusOne[0]).toMatchObject({ sql: 'SELECT f($1)', suggestion: null, stack: [LOOP] });
    expect(nPlusOne[0].editorUrl).toBeUndefined();
  });
});
