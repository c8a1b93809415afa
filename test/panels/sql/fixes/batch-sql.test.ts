import { describe, expect, it } from 'vitest';
import { sqlShape } from '../../../../server/panels/sql/sql-shape.js';
import { batchSql, type BatchOptions, type BatchedSql } from '../../../../server/panels/sql/fixes/batch-sql.js';
import type { Dialect } from '../../../../server/types.js';

/*
 * The user's per-row SQL, batched: what it becomes on each dialect, and what it keeps. The
 * rewrites run for real in test/panels/sql/fixes/fixes-*.test.ts; this table pins the text.
 */

const OPTIONS: Record<Dialect, BatchOptions> = {
  postgres: { dialect: 'postgres', placeholders: 'numbered', list: 'any', ids: 'ids' },
  mysql: { dialect: 'mysql', placeholders: 'positional', list: 'in', ids: 'ids' },
  sqlite: { dialect: 'sqlite', placeholders: 'positional', list: 'json', ids: 'ids' },
};

/** The per-row SQL batched over the values of its `column` comparison (its varying one), or of the first when not said. */
function batch(sql: string, params: unknown[], dialect: Dialect, unique = false, column?: string): BatchedSql | string | null {
  const shape = sqlShape(sql);
  const filter = shape.filters.find((f) => column === undefined || f.column === column)!;
  return batchSql({ sql, params, shape, filter, filterTable: filter.table, values: [1, 2, 3], unique }, OPTIONS[dialect]);
}
const sqlOf = (result: BatchedSql | string | null) => (result && typeof result === 'object' ? [result.sql, result.params, result.key, result.method] : result);

describe('batched SQL', () => {
  it.each<[string, string, unknown[], Dialect, boolean, unknown[]]>([
    ['a key lookup: its LIMIT 1 and the LIMIT param go', 'select * from "users" where "id" = $1 limit $2', [7, 1], 'postgres', true,
      ['select * from "users" where "id" = ANY($1)', ['ids'], 'id', 'list']],
    ['the other params are renumbered in order', 'SELECT * FROM t WHERE owner_id = $2 AND status = $1', ['open', 7], 'postgres', false,
      ['SELECT * FROM t WHERE owner_id = ANY($1) AND status = $2', ['ids', "'open'"], 'owner_id', 'list']],
    ['MySQL: IN (?) in the value\'s place among the ?s', 'SELECT * FROM t WHERE owner_id = ? AND status = ?', [7, 'open'], 'mysql', false,
      ['SELECT * FROM t WHERE owner_id IN (?) AND status = ?', ['ids', "'open'"], 'owner_id', 'list']],
    ['an inlined literal (Sequelize) gets a param', 'SELECT `id` FROM `comments` AS `Comment` WHERE `Comment`.`article_id` = 3 AND `x` = ?;', [9], 'mysql', false,
      ['SELECT `id`, `Comment`.`article_id` AS `article_id` FROM `comments` AS `Comment` WHERE `Comment`.`article_id` IN (?) AND `x` = ?;', ['ids', '9'], 'article_id', 'list']],
    ['SQLite: json_each, since it binds no arrays', 'SELECT id, name FROM users WHERE id = ?', [1], 'sqlite', true,
      ['SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))', ['JSON.stringify(ids)'], 'id', 'list']],
    ['a JOIN whose select list lacks the key: the key is added', 'SELECT t.id, t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id WHERE at.article_id = $1', [1], 'postgres', false,
      ['SELECT t.id, t.name, at.article_id AS "article_id" FROM tags t JOIN article_tags at ON at.tag_id = t.id WHERE at.article_id = ANY($1)', ['ids'], 'article_id', 'list']],
    ['PostgreSQL: a per-row LIMIT runs per value in a LATERAL join', 'SELECT * FROM heartbeats WHERE monitor_id = $1 ORDER BY time DESC LIMIT 1;', [1], 'postgres', false,
      ['SELECT _row.* FROM unnest($1::int[]) AS _key(value) CROSS JOIN LATERAL (SELECT * FROM heartbeats WHERE monitor_id = _key.value ORDER BY time DESC LIMIT 1) AS _row', ['ids'], 'monitor_id', 'lateral']],
    ['PostgreSQL: a per-row count, exact for a value with no rows', 'SELECT count(*) FROM comments WHERE article_id = $1', [1], 'postgres', false,
      ['SELECT _key.value AS "article_id", _row.* FROM unnest($1::int[]) AS _key(value) CROSS JOIN LATERAL (SELECT count(*) FROM comments WHERE article_id = _key.value) AS _row', ['ids'], 'article_id', 'lateral']],
    ['MySQL: a per-row LIMIT with ROW_NUMBER()', 'SELECT * FROM `heartbeats` WHERE `monitor_id` = ? ORDER BY `time` DESC LIMIT ?', [1, 2], 'mysql', false,
      ['SELECT * FROM (SELECT `heartbeats`.*, ROW_NUMBER() OVER (PARTITION BY `monitor_id` ORDER BY `time` DESC) AS _row_number FROM `heartbeats` WHERE `monitor_id` IN (?)) AS _ranked WHERE _row_number <= 2 ORDER BY _row_number', ['ids'], 'monitor_id', 'window']],
    ['SQLite: LIMIT … OFFSET per row', 'SELECT id FROM c WHERE p = ? ORDER BY id LIMIT 2 OFFSET 1', [1], 'sqlite', false,
      ['SELECT * FROM (SELECT id, p AS "p", ROW_NUMBER() OVER (PARTITION BY p ORDER BY id) AS _row_number FROM c WHERE p IN (SELECT value FROM json_each(?))) AS _ranked WHERE _row_number > 1 AND _row_number <= 3 ORDER BY _row_number', ['JSON.stringify(ids)'], 'p', 'window']],
    ['MySQL: a per-row count becomes GROUP BY the value', 'select count(*) as `n` from `comments` where `article_id` = ? limit ?', [1, 1], 'mysql', false,
      ['select count(*) as `n`, `article_id` AS `article_id` from `comments` where `article_id` IN (?) GROUP BY `article_id`', ['ids'], 'article_id', 'grouped']],
    ['SQLite: an existing GROUP BY gets the value first', 'SELECT tag_id, count(*) AS n FROM article_tags WHERE article_id = ? GROUP BY tag_id', [1], 'sqlite', false,
      ['SELECT tag_id, count(*) AS n, article_id AS "article_id" FROM article_tags WHERE article_id IN (SELECT value FROM json_each(?)) GROUP BY article_id, tag_id', ['JSON.stringify(ids)'], 'article_id', 'grouped']],
  ])('%s', (_name, sql, params, dialect, unique, expected) => {
    expect(sqlOf(batch(sql, params, dialect, unique))).toEqual(expected);
  });

  it('says what it keeps and what it cannot', () => {
    const counted = batch('SELECT count(*) FROM comments WHERE article_id = ?', [1], 'mysql') as BatchedSql;
    expect(counted.kept).toEqual(['the aggregate per article_id, with GROUP BY article_id']);
    expect(counted.lost).toEqual(['a value with no rows gets no row (where the loop got a count of 0 or a null)']);
    const latest = batch('SELECT * FROM heartbeats WHERE monitor_id = $1 ORDER BY time DESC LIMIT 1', [1], 'postgres') as BatchedSql;
    expect(latest.kept).toEqual(['the query runs as written for each value, in one statement (a LATERAL join over the values), its ORDER BY time DESC LIMIT 1 included']);
    expect(latest.onePerValue).toBe(true);
  });

  it('refuses, saying why, where one query would change the result', () => {
    expect(batch('SELECT * FROM tags WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = ?)', [1], 'mysql'))
      .toMatch(/^the looked-up article_id sits in a subquery, so the rows of one batched query could not say which value they belong to/);
    expect(batch('SELECT a.id FROM a LEFT JOIN b ON b.a_id = a.id AND b.k = ? WHERE a.x = 1', [1], 'sqlite', false, 'k'))
      .toBe('the looked-up k sits in the ON of an outer join, which a list of values would change');
    // PostgreSQL's LATERAL keeps both as written.
    expect(sqlOf(batch('SELECT * FROM tags WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = $1)', [1], 'postgres'))).toEqual([
      'SELECT _key.value AS "article_id", _row.* FROM unnest($1::int[]) AS _key(value) CROSS JOIN LATERAL (SELECT * FROM tags WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = _key.value)) AS _row',
      ['ids'], 'article_id', 'lateral']);
  });

  it('types the LATERAL array from the values', () => {
    const typed = (values: unknown[]) => {
      const shape = sqlShape('SELECT * FROM t WHERE k = $1 LIMIT 2');
      return (batchSql({ sql: 'SELECT * FROM t WHERE k = $1 LIMIT 2', params: [values[0]], shape, filter: shape.filters[0], filterTable: 't', values, unique: false }, OPTIONS.postgres) as BatchedSql).sql;
    };
    expect(typed([1, 2])).toContain('unnest($1::int[])');
    expect(typed([1, 2 ** 40])).toContain('unnest($1::bigint[])');
    expect(typed(['0b9c7a1e-8a4c-4f0e-9b6e-1f2a3b4c5d6e'])).toContain('unnest($1::uuid[])');
    expect(typed(['a', 'b'])).toContain('unnest($1::text[])');
  });
});
