import { describe, expect, it } from 'vitest';
import { orderAndLimit, tableAliases } from '../../../../server/panels/sql/fixes/sql-clauses.js';
import { parsePrismaSchema } from '../../../../server/panels/sql/orm/prisma-dsl.js';
import { planOrmFix } from '../../../../server/panels/sql/fixes/orm-plan.js';
import type { FixInput } from '../../../../server/panels/sql/fixes/fix-input.js';
import type { OrmSchema } from '../../../../server/panels/sql/orm/schema.js';
import type { OrmCall, QueryRecord } from '../../../../server/types.js';
import { sqlShape } from '../../../../server/panels/sql/sql-shape.js';
import { parentQuery as dispatchedParent } from '../../../support/orm-fix-input.js';

/* The pure parts under the ORM fixes: reading aliases, ORDER BY/LIMIT, Prisma's schema text, and the plan. */

describe('which table an alias stands for', () => {
  it.each<[string, string, Record<string, string>]>([
    ['Prisma, EXISTS over the implicit join table',
      'SELECT "s"."tags"."id" FROM "s"."tags" WHERE EXISTS(SELECT "t0"."B" FROM "s"."_ArticleToTag" AS "t0" INNER JOIN "s"."articles" AS "j0" ON ("j0"."id") = ("t0"."A") WHERE ("j0"."id" = $1))',
      { tags: 'tags', t0: '_ArticleToTag', j0: 'articles' }],
    ['TypeORM, aliases without AS', 'SELECT "Tag"."id" FROM "tags" "Tag" LEFT JOIN "article_tags" "Tag__Tag_articles_Tag" ON 1=1 WHERE "Tag"."id" = $1',
      { Tag: 'tags', Tag__Tag_articles_Tag: 'article_tags' }],
    ['MySQL backticks, a table without alias', 'SELECT * FROM `db`.`comments` WHERE `comments`.`article_id` = ?', { comments: 'comments' }],
    ['FROM followed by WHERE is no alias', 'SELECT * FROM users WHERE id = 1', { users: 'users' }],
  ])('%s', (_name, sql, expected) => {
    expect(Object.fromEntries(tableAliases(sql))).toMatchObject(expected);
  });
});

describe('per-row ORDER BY and LIMIT', () => {
  it.each<[string, string, unknown[], ReturnType<typeof orderAndLimit>]>([
    ['Prisma binds LIMIT', 'SELECT * FROM "c" WHERE "c"."a" = $1 ORDER BY "c"."created_at" DESC LIMIT $2 OFFSET $3', [7, '1', '0'],
      { order: [{ column: 'created_at', qualifier: 'c', direction: 'desc' }], limit: 1 }],
    ['TypeORM inlines it', 'SELECT * FROM "comments" "Comment" WHERE (("Comment"."article_id" = $1)) ORDER BY "Comment"."created_at" DESC, "Comment"."id" ASC LIMIT 1', [1],
      { order: [{ column: 'created_at', qualifier: 'Comment', direction: 'desc' }, { column: 'id', qualifier: 'Comment', direction: 'asc' }], limit: 1 }],
    ['an ORDER BY inside json_agg is not the statement\'s', 'select coalesce(json_agg(x order by y desc), \'[]\') from t where a = $1', [1], { order: [], limit: null }],
    ['MySQL ? placeholders', 'SELECT * FROM c WHERE a = ? ORDER BY b LIMIT ?', [3, 5], { order: [{ column: 'b', qualifier: null, direction: 'asc' }], limit: 5 }],
  ])('%s', (_name, sql, params, expected) => {
    expect(orderAndLimit(sql, params)).toEqual(expected);
  });
});

describe('the Prisma schema text', () => {
  it('reads lists, ids, maps and relation keys; comments and strings with // do not confuse it', () => {
    const models = parsePrismaSchema(`
      // a comment { with braces }
      generator client { provider = "prisma-client" }
      model Post {
        id        Int    @id @default(autoincrement())
        url       String @default("http://example.com") // a default with //
        authorId  Int    @map("author_id")
        author    User   @relation("Written", fields: [authorId], references: [id], onDelete: Cascade)
        tags      Tag[]
        @@map("posts")
        @@schema("blog")
      }
      model PostTag {
        postId Int
        tagId  Int
        @@id([postId, tagId(sort: Desc)])
      }
      enum Role { USER ADMIN }`);
    expect(models.map((m) => m.name)).toEqual(['Post', 'PostTag']);
    const [post, link] = models;
    expect(post).toMatchObject({ dbName: 'posts', schema: 'blog' });
    expect(post.fields.find((f) => f.name === 'id')).toMatchObject({ isId: true, isList: false });
    expect(post.fields.find((f) => f.name === 'url')).toMatchObject({ type: 'String' });
    expect(post.fields.find((f) => f.name === 'authorId')).toMatchObject({ dbName: 'author_id' });
    expect(post.fields.find((f) => f.name === 'author')).toMatchObject({ relationName: 'Written', fields: ['authorId'], references: ['id'] });
    expect(post.fields.find((f) => f.name === 'tags')).toMatchObject({ type: 'Tag', isList: true });
    expect(link.compoundId).toEqual(['postId', 'tagId']);
  });
});

describe('the plan of an ORM fix', () => {
  // Two relations lead to users by their id: which one a loop walks depends on its list.
  const schema: OrmSchema = {
    orm: 'prisma',
    models: [
      { name: 'User', table: 'users', primaryKey: ['id'], columns: [{ property: 'id', column: 'id' }], relations: [] },
      { name: 'Article', table: 'articles', primaryKey: ['id'], columns: [{ property: 'id', column: 'id' }, { property: 'authorId', column: 'author_id' }],
        relations: [{ name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' }] },
      { name: 'Comment', table: 'comments', primaryKey: ['id'], columns: [{ property: 'id', column: 'id' }, { property: 'writerId', column: 'writer_id' }],
        relations: [{ name: 'writer', kind: 'belongs-to', source: 'Comment', target: 'User', sourceColumn: 'writer_id', targetColumn: 'id' }] },
    ],
  };
  const sql = 'SELECT "users"."id" FROM "users" WHERE "users"."id" = $1 LIMIT $2';
  const input = (extra: Partial<FixInput>): FixInput => {
    const shape = sqlShape(sql);
    return {
      library: 'prisma', dialect: 'postgres', sql, params: [1, '1'], shape: { ...shape, table: 'users' }, filter: shape.filters[0],
      filterTable: null, relation: null, model: 'User', sampleValues: [1, 2, 3], values: [1, 2, 3], schema, ormNames: ['prisma'],
      childModel: null, parent: null, link: null, joined: null, unbatchable: null, ambiguous: [], stack: [], where: null, ...extra,
    };
  };

  /** The parent query as the dispatcher hands it: the record, with the ORM call that ran it. */
  const parentQuery = (ormCall: OrmCall) => dispatchedParent({ id: 1, sql: 'SELECT 1', params: [], ormCall } as unknown as QueryRecord, 'app.ts:3');

  it('without the list\'s query, names both candidates and picks none', () => {
    const plan = planOrmFix(input({}))!;
    expect(plan.relation).toBeNull();
    expect(plan.candidates.map((r) => `${r.source}.${r.name}`)).toEqual(['Article.author', 'Comment.writer']);
    expect(plan.parentKnown).toBe(false);
  });

  it('with the parent call, the parent\'s own relation', () => {
    const plan = planOrmFix(input({ parent: parentQuery({ id: 1, orm: 'prisma', model: 'Comment', method: 'findMany', loads: ['writer'] }) }))!;
    expect(plan.relation?.name).toBe('writer');
    expect(plan).toMatchObject({ parentKnown: true, loaded: true, limit: null });
  });

  it('a parent model with no relation to the looked-up one gets none, not another model\'s', () => {
    const plan = planOrmFix(input({ parent: parentQuery({ id: 1, orm: 'prisma', model: 'User', method: 'findMany' }) }))!;
    expect(plan.relation).toBeNull();
    expect(plan.candidates).toEqual([]);
  });

  it('no schema, or a table it does not know: no plan', () => {
    expect(planOrmFix(input({ schema: null }))).toBeNull();
    expect(planOrmFix(input({ schema: { orm: 'prisma', models: [] } }))).toBeNull();
  });
});
