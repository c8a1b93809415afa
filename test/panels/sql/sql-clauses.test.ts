import { describe, expect, it } from 'vitest';
import { sqlShape } from '../../../server/panels/sql/sql-shape.js';

/*
 * What makes a query per-row, and where its varying value sits: the clause-level reading behind
 * the N+1 fixes (server/panels/sql/sql-clauses.ts), on SQL as ORMs and people write it.
 */

const filters = (sql: string) => sqlShape(sql).filters.map((f) => ({ column: f.columnSql, clause: f.clause, subquery: f.subquery, table: f.table }));

describe('where the varying value sits', () => {
  it('in a JOIN\'s ON (Sequelize\'s hasFollower), with the table each column belongs to', () => {
    expect(filters('SELECT "User"."id" FROM "users" AS "User" INNER JOIN "follows" AS "Follow" ON "User"."id" = "Follow"."follower_id" '
      + 'AND "Follow"."following_id" = 1 WHERE ((("User"."id" = 4)));')).toEqual([
      { column: '"User"."id"', clause: 'where', subquery: false, table: 'users' },
      { column: '"Follow"."following_id"', clause: 'on', subquery: false, table: 'follows' },
    ]);
  });

  it('in a subquery, told apart from the main WHERE', () => {
    expect(filters('SELECT * FROM tags WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = $1) AND name = $2')).toEqual([
      { column: 'name', clause: 'where', subquery: false, table: 'tags' },
      { column: 'article_id', clause: 'where', subquery: true, table: null },
    ]);
  });

  it('an unqualified column in a FROM of two tables has no known table', () => {
    expect(filters('SELECT name FROM tags, article_tags WHERE tags.id = article_tags.tag_id AND group_id = ?')).toEqual([
      { column: 'group_id', clause: 'where', subquery: false, table: null },
    ]);
  });

  it('not in SET, not in the select list', () => {
    expect(filters('UPDATE posts SET title = $1 WHERE id = $2')).toEqual([{ column: 'id', clause: 'where', subquery: false, table: 'posts' }]);
  });
});

describe('tables and joins', () => {
  it('reads Sequelize\'s parenthesised join group and its aliases (association names)', () => {
    const shape = sqlShape('SELECT "Article"."id" FROM "articles" AS "Article" LEFT OUTER JOIN ( "article_tags" AS "tagList->ArticleTag" '
      + 'INNER JOIN "tags" AS "tagList" ON "tagList"."id" = "tagList->ArticleTag"."tag_id") ON "Article"."id" = "tagList->ArticleTag"."article_id";');
    expect(shape.tables.map((t) => [t.table, t.alias, t.kind])).toEqual([
      ['articles', 'Article', 'from'], ['article_tags', 'tagList->ArticleTag', 'join'], ['tags', 'tagList', 'join'],
    ]);
    expect(shape.joinEqualities).toContainEqual({ left: { qualifier: 'Article', column: 'id' }, right: { qualifier: 'tagList->ArticleTag', column: 'article_id' } });
  });

  it('marks outer joins', () => {
    const shape = sqlShape('SELECT * FROM articles a LEFT JOIN users u ON u.id = a.author_id JOIN tags t ON t.id = a.tag_id');
    expect(shape.tables.map((t) => [t.table, t.alias, !!t.outer])).toEqual([['articles', 'a', false], ['users', 'u', true], ['tags', 't', false]]);
  });
});

describe('what makes a query per-row', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['ORDER BY … LIMIT 1 (the latest heartbeat)', 'SELECT * FROM heartbeats WHERE monitor_id = $1 ORDER BY time DESC LIMIT 1',
      { order: [['time', true]], limit: 1, offset: null, aggregate: false, distinct: false, group: null }],
    ['knex .first(): LIMIT by a param', 'select * from "users" where "id" = $1 limit $2', { order: null, limit: '$2', aggregate: false }],
    ['MySQL LIMIT offset, count', 'SELECT * FROM t WHERE a = ? ORDER BY b LIMIT 10, 5', { limit: 5, offset: 10 }],
    ['LIMIT … OFFSET', 'SELECT * FROM t WHERE a = $1 ORDER BY b, c DESC LIMIT 5 OFFSET 10', { order: [['b', false], ['c', true]], limit: 5, offset: 10 }],
    ['an aggregate', 'SELECT count(*)::int AS n FROM comments WHERE article_id = $1', { aggregate: true, limit: null }],
    ['a window function is no aggregate', 'SELECT id, count(*) OVER () FROM t WHERE a = $1', { aggregate: false }],
    ['GROUP BY', 'SELECT tag_id, count(*) FROM article_tags WHERE article_id = $1 GROUP BY tag_id ORDER BY 2', { group: 'GROUP BY tag_id', aggregate: true }],
    ['DISTINCT', 'SELECT DISTINCT tag_id FROM article_tags WHERE article_id = $1', { distinct: true }],
    ['an ORDER BY expression is kept as text', 'SELECT * FROM t WHERE a = $1 ORDER BY lower(name)', { order: null, orderSql: 'ORDER BY lower(name)' }],
  ])('%s', (_name, sql, expected) => {
    const shape = sqlShape(sql);
    const bound = (b: { value: number | null; paramIndex: number | null } | null) => (b ? b.value ?? `$${b.paramIndex! + 1}` : null);
    const read = {
      order: shape.orderBy?.items?.map((i) => [i.column, i.descending]) ?? null, orderSql: shape.orderBy?.sql ?? null,
      limit: bound(shape.limitClause), offset: bound(shape.offset), aggregate: shape.aggregate, distinct: shape.distinct, group: shape.groupBy?.sql ?? null,
    };
    expect(read).toMatchObject(expected);
  });

  it('says when WHERE holds conditions a fix does not read', () => {
    expect(sqlShape('SELECT * FROM t WHERE a = $1 AND b = 2').unreadConditions).toBe(false);
    expect(sqlShape('SELECT * FROM t WHERE ((a = $1)) AND (b IN (1, 2))').unreadConditions).toBe(false);
    expect(sqlShape('SELECT * FROM t WHERE a = $1 AND created_at > now()').unreadConditions).toBe(true);
    expect(sqlShape('SELECT * FROM t WHERE a = $1 OR b = 2').unreadConditions).toBe(true);
    expect(sqlShape('SELECT * FROM t JOIN u ON u.id = t.u_id AND u.active WHERE t.a = $1').unreadConditions).toBe(true);
  });

  it('an AND inside a call or subquery is not a group of conditions to read one by one (it used to recurse forever)', () => {
    // Prisma 7's implicit many-to-many: the whole WHERE is one EXISTS whose subquery ANDs two conditions.
    const prisma = 'SELECT "s"."tags"."id", "s"."tags"."name" FROM "s"."tags" WHERE EXISTS(SELECT "t0"."B" FROM "s"."_ArticleToTag" AS "t0" '
      + 'INNER JOIN "s"."articles" AS "j0" ON ("j0"."id") = ("t0"."A") WHERE ("j0"."id" = $1 AND "s"."tags"."id" = "t0"."B" AND "t0"."B" IS NOT NULL)) '
      + 'OFFSET $2';
    expect(sqlShape(prisma).unreadConditions).toBe(true);
    expect(sqlShape('SELECT * FROM t WHERE (EXISTS (SELECT 1 FROM u WHERE u.a = t.a AND u.b = $1))').unreadConditions).toBe(true);
    expect(sqlShape('SELECT * FROM t WHERE coalesce(a AND b, true) AND c = $1').unreadConditions).toBe(true);
  });

  it('names each select item as the result rows will', () => {
    expect(sqlShape('SELECT "Tag"."id", "ArticleTag"."article_id" AS "ArticleTag.articleId", t.*, count(*) AS n, 1 FROM tags').selectItems).toEqual([
      { column: 'id', qualifier: 'Tag', star: false, output: 'id' },
      { column: 'article_id', qualifier: 'ArticleTag', star: false, output: 'ArticleTag.articleId' },
      { column: null, qualifier: 't', star: true, output: null },
      { column: null, qualifier: null, star: false, output: 'n' },
      { column: null, qualifier: null, star: false, output: null },
    ]);
  });
});
