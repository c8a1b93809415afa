import { describe, expect, it } from 'vitest';
import { detectLibrary, suggestDuplicateFix, suggestNPlusOneFix } from '../../../../server/panels/sql/fixes/index.js';
import { modelName, singular } from '../../../../server/panels/sql/fixes/naming.js';
import { sqlShape } from '../../../../server/panels/sql/sql-shape.js';
import { fingerprint } from '../../../../server/panels/sql/fingerprint.js';
import { editorUrl } from '../../../../server/stack/editor-url.js';
import { resolveOptions } from '../../../../server/options.js';
import { Sequelize } from 'sequelize';
import { readSequelizeSchema } from '../../../../server/panels/sql/orm/sequelize.js';
import { defineModels } from '../../../fixtures/orm-fixes/sequelize-app.js';
import type { DbInfo, QueryLibrary, QueryRecord, RawFrame } from '../../../../server/types.js';

const frame = (file: string): RawFrame => ({ file, line: 10, column: 3, function: null });
const USER = frame('/app/routes/posts.ts');
const PG: DbInfo = { dialect: 'postgres', driver: 'pg' };

describe('which library issued a query', () => {
  it.each<[string, RawFrame[], Pick<DbInfo, 'dialect' | 'driver'>, QueryLibrary]>([
    ['knex', [frame('/app/node_modules/knex/lib/execution/runner.js'), USER], PG, 'knex'],
    ['knex under pnpm', [frame('/app/node_modules/.pnpm/knex@3.1.0/node_modules/knex/lib/client.js')], PG, 'knex'],
    ['sequelize', [frame('/app/node_modules/sequelize/lib/dialects/postgres/query.js'), USER], PG, 'sequelize'],
    ['drizzle-orm', [frame('/app/node_modules/drizzle-orm/node-postgres/session.js')], PG, 'drizzle-orm'],
    ['typeorm', [frame('/app/node_modules/typeorm/driver/postgres/PostgresQueryRunner.js'), USER], PG, 'typeorm'],
    ['prisma client', [frame('/app/node_modules/@prisma/client/runtime/library.js')], PG, 'prisma'],
    ['prisma driver adapter', [frame('/app/node_modules/@prisma/adapter-pg/dist/index.mjs')], PG, 'prisma'],
    ['generated prisma client', [frame('/app/node_modules/.prisma/client/index.js')], PG, 'prisma'],
    ['windows path', [frame('C:\\app\\node_modules\\knex\\lib\\runner.js')], PG, 'knex'],
    ['the innermost ORM wins (objection on knex)', [frame('/app/node_modules/knex/lib/runner.js'), frame('/app/node_modules/objection/lib/x.js')], PG, 'knex'],
    ['raw pg: pg-pool frames only', [frame('/app/node_modules/pg-pool/index.js'), USER], PG, 'pg'],
    ['PGlite', [USER], { dialect: 'postgres', driver: 'pglite' }, 'pglite'],
    ['mysql2', [USER], { dialect: 'mysql', driver: 'mysql2' }, 'mysql2'],
    ['sqlite3', [USER], { dialect: 'sqlite', driver: 'sqlite3' }, 'sqlite3'],
    ['an unknown sqlite driver', [], { dialect: 'sqlite', driver: 'node:sqlite' }, 'better-sqlite3'],
  ])('%s', (_name, frames, db, expected) => {
    expect(detectLibrary(frames, db)).toBe(expected);
  });
});

describe('SQL shape', () => {
  it.each<[string, string, { table: string | null; alias?: string | null; columns?: string[] | null; filter?: object; limit?: boolean }]>([
    ['raw pg', 'SELECT id, name FROM authors WHERE id = $1',
      { table: 'authors', alias: null, columns: ['id', 'name'], filter: { column: 'id', qualifier: null, operator: '=', paramIndex: 0 } }],
    ['knex on pg, .first()', 'select * from "authors" where "id" = $1 limit $2',
      { table: 'authors', columns: null, filter: { column: 'id', columnSql: '"id"', paramIndex: 0 }, limit: true }],
    ['sequelize, literal and model alias', 'SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = 3;',
      { table: 'authors', alias: 'Author', columns: ['id', 'name'], filter: { column: 'id', qualifier: 'Author', paramIndex: null, valueSql: '3' } }],
    ['drizzle', 'select "id", "name" from "authors" where "authors"."id" = $1',
      { table: 'authors', filter: { column: 'id', qualifier: 'authors', columnSql: '"authors"."id"' } }],
    ['typeorm, alias without AS', 'SELECT "Author"."id" AS "Author_id" FROM "author" "Author" WHERE (("Author"."id" = $1)) LIMIT 1',
      { table: 'author', alias: 'Author', columns: ['id'], filter: { column: 'id', qualifier: 'Author' }, limit: true }],
    ['prisma, schema-qualified', 'SELECT "public"."authors"."id" FROM "public"."authors" WHERE ("public"."authors"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3',
      { table: 'authors', alias: null, columns: ['id'], filter: { column: 'id', qualifier: 'authors' } }],
    ['mysql backticks, IN list', 'SELECT `id`, `name` FROM `shop`.`authors` a WHERE a.`id` IN (?, ?)',
      { table: 'authors', alias: 'a', columns: ['id', 'name'], filter: { column: 'id', operator: 'in', paramIndex: null, valueSql: '(?, ?)' } }],
    ['IN ($1, $2)', 'SELECT * FROM authors WHERE id IN ($1, $2)', { table: 'authors', filter: { operator: 'in' } }],
    ['= ANY($1)', 'SELECT * FROM comments c WHERE c.post_id = ANY($1)', { table: 'comments', alias: 'c', filter: { column: 'post_id', operator: 'any', paramIndex: 0 } }],
    ['the second placeholder', "SELECT * FROM posts WHERE title = 'a''b' AND author_id = $2", { table: 'posts', filter: { column: 'title', paramIndex: null } }],
    ['a CTE', 'WITH x AS (SELECT 1) SELECT * FROM posts WHERE id = ?', { table: 'posts', filter: { column: 'id', paramIndex: 0 } }],
    ['comments and brackets', 'SELECT [id] /* x */ FROM [authors] -- y\nWHERE [id] = @p1', { table: 'authors', columns: ['id'], filter: { column: 'id' } }],
    ['no table', 'SELECT 1', { table: null }],
  ])('%s', (_name, sql, expected) => {
    const shape = sqlShape(sql);
    expect(shape.table).toBe(expected.table);
    if (expected.alias !== undefined) expect(shape.alias).toBe(expected.alias);
    if (expected.columns !== undefined) expect(shape.columns).toEqual(expected.columns);
    if (expected.filter) expect(shape.filters[0]).toMatchObject(expected.filter);
    if (expected.limit !== undefined) expect(shape.limit !== null).toBe(expected.limit);
  });

  it('reads UPDATE, DELETE and INSERT tables', () => {
    expect(sqlShape('UPDATE posts SET title = $1 WHERE id = $2')).toMatchObject({ statement: 'update', table: 'posts', filters: [{ column: 'id', paramIndex: 1 }] });
    expect(sqlShape('DELETE FROM tags WHERE id = ?')).toMatchObject({ statement: 'delete', table: 'tags' });
    expect(sqlShape('INSERT INTO "tags" ("name") VALUES ($1)')).toMatchObject({ statement: 'insert', table: 'tags' });
  });

  it.each([['authors', 'author', 'Author'], ['categories', 'category', 'Category'], ['addresses', 'address', 'Address'],
    ['post_tags', 'post_tag', 'PostTag'], ['people', 'person', 'Person'], ['status', 'status', 'Status']])('%s → %s, %s', (table, one, model) => {
    expect(singular(table)).toBe(one);
    expect(modelName(table)).toBe(model);
  });
});

let id = 0;
function query(sql: string, params: unknown[] = [], db: DbInfo = PG, rowCount = 1): QueryRecord {
  id += 1;
  return { id, sql, params, startMs: id, durationMs: 1.5, rowCount, db, fingerprint: fingerprint(sql), callSite: null };
}

/** A parent query with 3 rows, then 3 lookups; the fix as the read path builds it. */
function fixFor(libraryFile: string | null, parentSql: string | null, lookup: (n: number) => [string, unknown[]], db: DbInfo = PG) {
  // The parent as parent-query.ts finds it from the stacks: the loop's function ran it just before.
  const parent = parentSql ? query(parentSql, [], db, 3) : null;
  const repeated = [1, 2, 3].map((n) => query(...lookup(n), db));
  const frames = libraryFile ? [frame(libraryFile), USER] : [USER];
  return suggestNPlusOneFix({
    queries: repeated, frames, parent, parents: parent ? [parent] : [], totalMs: 4.5, where: 'routes/posts.ts:14',
  });
}

describe('fix wording per library', () => {
  it('raw pg: the user\'s own SQL with = ANY($1) over the parent rows, then a Map the loop reads', () => {
    const fix = fixFor(null, 'SELECT id, author_id, title FROM posts', (n) => ['SELECT id, name FROM authors WHERE id = $1', [n]]);
    expect(fix).toEqual({
      title: 'Load all authors in one query with id = ANY($n)',
      code: 'const ids = [...new Set(posts.map((post) => post.author_id))];\n'
        + "const { rows: authors } = await pool.query(\n  'SELECT id, name FROM authors WHERE id = ANY($1)',\n  [ids],\n);\n"
        + 'const authorById = new Map(authors.map((author) => [author.id, author]));\n'
        + '// in the loop: authorById.get(post.author_id) instead of a query per row',
      orm: 'pg',
      // No row counts (an include multiplies rows), and the key taken by name is said to be.
      reason: '3 queries of one shape ran from routes/posts.ts:14, one per row; one query instead saves 2 round trips '
        + '(3.0 ms of the 4.5 ms they took). The loop goes over the rows of query #1 (the posts query). '
        + 'Its author_id is taken to hold the authors.id values, going by the column names.',
    });
  });

  it('raw pg, has-many: the parent ids, each with its list (empty when it has none)', () => {
    const fix = fixFor(null, 'SELECT * FROM posts', (n) => ['SELECT * FROM comments WHERE post_id = $1 ORDER BY id', [n]]);
    expect(fix?.code).toBe('const ids = [...new Set(posts.map((post) => post.id))];\n'
      + "const { rows: comments } = await pool.query(\n  'SELECT * FROM comments WHERE post_id = ANY($1) ORDER BY id',\n  [ids],\n);\n"
      + 'const commentsByPostId = new Map(ids.map((id) => [id, []]));\n'
      + 'for (const comment of comments) commentsByPostId.get(comment.post_id)?.push(comment);\n'
      + '// in the loop: commentsByPostId.get(post.id) instead of a query per row');
    expect(fix?.reason).toContain('Its ORDER BY id holds within each post_id.');
  });

  it('PGlite without a parent: ids, with the values seen, and no LIMIT 1 on a key', () => {
    const db: DbInfo = { dialect: 'postgres', driver: 'pglite' };
    const fix = fixFor(null, null, (n) => ['SELECT id, name FROM authors WHERE id = $1 LIMIT 1', [n]], db);
    expect(fix?.code).toBe("// ids: the id values the loop looked up, e.g. [1, 2, 3]\nconst { rows: authors } = await db.query(\n"
      + "  'SELECT id, name FROM authors WHERE id = ANY($1)',\n  [ids],\n);\n"
      + 'const authorById = new Map(authors.map((author) => [author.id, author]));\n// in the loop: authorById.get(id) instead of a query per row');
    expect(fix?.orm).toBe('pglite');
    expect(fix?.reason).toContain('could not be identified from the stack, so the fix starts from the values the loop looked up (ids).');
  });

  it('mysql2: IN (?) with query(), which expands arrays', () => {
    const db: DbInfo = { dialect: 'mysql', driver: 'mysql2' };
    const fix = fixFor(null, 'SELECT id, author_id FROM posts', (n) => ['SELECT `id`, `name` FROM `authors` WHERE `id` = ?', [n]], db);
    expect(fix?.code).toContain("const [authors] = await connection.query(\n  'SELECT `id`, `name` FROM `authors` WHERE `id` IN (?)',\n  [ids],");
  });

  it('better-sqlite3: json_each, since SQLite binds no arrays', () => {
    const db: DbInfo = { dialect: 'sqlite', driver: 'better-sqlite3' };
    const fix = fixFor(null, 'SELECT id, author_id FROM posts', (n) => ['SELECT id, name FROM authors WHERE id = ?', [n]], db);
    expect(fix?.code).toContain("const authors = db.prepare(\n  'SELECT id, name FROM authors WHERE id IN (SELECT value FROM json_each(?))',\n"
      + ').all(JSON.stringify(ids));');
  });

  it('knex: whereIn and a map to match rows up', () => {
    const fix = fixFor('/app/node_modules/knex/lib/dialects/postgres/index.js', 'select "id", "author_id" from "posts"',
      (n) => ['select * from "authors" where "id" = $1 limit $2', [n, 1]]);
    expect(fix).toMatchObject({ orm: 'knex', title: "Load the authors with one .whereIn('id', …)" });
    expect(fix?.code).toBe('const ids = [...new Set(posts.map((post) => post.author_id))];\n'
      + "const authors = await knex('authors')\n  .whereIn('id', ids);\n"
      + 'const authorById = new Map(authors.map((author) => [author.id, author]));\n// in the loop: authorById.get(post.author_id) instead of a query per row');
  });

  // Issue 18: `include: [{ model: Author }]` guessed from the tables threw where the association has an alias.
  it('sequelize without the models: no include with a guessed association, one findAll named from Sequelize\'s own SQL aliases', () => {
    const fix = fixFor('/app/node_modules/sequelize/lib/dialects/postgres/query.js', 'SELECT "id", "author_id" AS "authorId" FROM "posts" AS "Post";',
      (n) => [`SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = ${n};`, []]);
    expect(fix).toMatchObject({ orm: 'sequelize', title: 'Load every Author in one findAll' });
    expect(fix?.code).toContain('const ids = [...new Set(posts.map((post) => post.authorId))];\nconst authors = await Author.findAll({ where: { id: ids } });');
    expect(fix?.code).not.toContain('include');
    expect(fix?.reason).toMatch(/Pass your Sequelize instance too \(instrument: \{ …, sequelize \}\)/);
  });

  it('sequelize without a parent: findAll with an array where', () => {
    const fix = fixFor('/app/node_modules/sequelize/lib/model.js', null, (n) => [`SELECT "id" FROM "authors" AS "Author" WHERE "Author"."id" = ${n};`, []]);
    expect(fix?.code).toContain('const authors = await Author.findAll({ where: { id: ids } });');
    expect(fix?.code).toContain('e.g. [1, 2, 3]');
  });

  // Without the ORM object (`instrument: { prisma }`…) nothing says what the app calls its models
  // and relations: the fix stays at the SQL level, with the tables and columns of the SQL itself,
  // and never prints a relation name guessed from a table name (test/panels/sql/fixes/orm-fixes-*.test.ts has the
  // fixes written from each ORM's real schema).
  it.each([
    ['drizzle', '/app/node_modules/drizzle-orm/node-postgres/session.js', 'select "id", "author_id" from "posts"',
      (n: number): [string, unknown[]] => ['select "id", "name" from "authors" where "authors"."id" = $1', [n]], 'with: {'],
    ['typeorm', '/app/node_modules/typeorm/driver/postgres/PostgresQueryRunner.js', 'SELECT "Post"."id" AS "Post_id" FROM "post" "Post"',
      (n: number): [string, unknown[]] => ['SELECT "Author"."id" AS "Author_id" FROM "author" "Author" WHERE (("Author"."id" = $1)) LIMIT 1', [n]], 'relations: {'],
    ['typeorm without a parent', '/app/node_modules/typeorm/query-builder/SelectQueryBuilder.js', null,
      (n: number): [string, unknown[]] => ['SELECT "Author"."id" AS "Author_id" FROM "author" "Author" WHERE "Author"."id" = $1', [n]], 'getRepository('],
    ['prisma', '/app/node_modules/@prisma/client/runtime/library.js', 'SELECT "public"."posts"."id" FROM "public"."posts" WHERE 1=1',
      (n: number): [string, unknown[]] => ['SELECT "public"."authors"."id" FROM "public"."authors" WHERE ("public"."authors"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3', [n, 1, 0]], 'include: {'],
  ])('%s without the ORM object: the SQL-level fix, no guessed ORM names', (_name, file, parentSql, lookup, ormWords) => {
    const fix = fixFor(file, parentSql, lookup);
    expect(fix?.orm).toBe('pg');
    expect(fix?.code).toContain('= ANY($1)');
    expect(fix?.code).not.toContain(ormWords);
  });

  it('sequelize with two associations the loop could be walking: no guess, the fix names both', () => {
    const sequelize = new Sequelize('postgres://nobody@127.0.0.1:1/none', { logging: false });
    const { Article, User } = defineModels(sequelize);
    Article.belongsTo(User, { as: 'editor', foreignKey: 'authorId' });
    const parent = query('SELECT "id", "title", "author_id" AS "authorId" FROM "articles" AS "Article";', [], PG, 3);
    const repeated = [1, 2, 3].map((n) => query(`SELECT "id", "username" FROM "users" AS "User" WHERE "User"."id" = ${n};`));
    const fix = suggestNPlusOneFix({
      queries: repeated, frames: [frame('/app/node_modules/sequelize/lib/model.js'), USER], parent, parents: [parent], totalMs: 4.5,
      where: 'routes/articles.ts:14', schema: readSequelizeSchema(sequelize),
    });
    expect(fix?.title).toBe('Load every User in one findAll');
    expect(fix?.code).not.toContain('include');
    expect(fix?.reason).toContain('Article has 2 associations that could be this loop\'s (author, editor): include the one the loop reads.');
  });

  it('two values changing at once: no one-query fix, and the reason says why', () => {
    const fix = fixFor(null, null, (n) => ['SELECT * FROM follows WHERE follower_id = $1 AND following_id = $2', [n, n + 10]]);
    expect(fix).toMatchObject({ title: 'No one-query fix for these follows lookups', orm: 'pg' });
    expect(fix?.reason).toContain('The toolbar cannot batch this query without changing its result: follower_id and following_id all change from run to run');
  });

  it('inserts in a loop: one multi-row insert', () => {
    const fix = fixFor('/app/node_modules/knex/lib/runner.js', null, (n) => ['insert into "tags" ("name") values ($1)', [`t${n}`]]);
    expect(fix).toMatchObject({ orm: 'knex', code: "await knex('tags').insert(rows); // one INSERT … VALUES (…), (…)" });
  });

  it('duplicates: reuse the first result', () => {
    const runs = [1, 2].map(() => query('SELECT name FROM authors WHERE id = $1', [1]));
    expect(suggestDuplicateFix(runs, [USER], 'x.ts:3')).toMatchObject({
      orm: 'pg', title: 'Reuse the first result instead of running the same query 2 times',
      reason: 'The same SQL with the same params ran 2 times (first from x.ts:3): 1 of them (1.5 ms) returned what the first one already had.',
    });
  });
});

describe('editor links', () => {
  const site = { file: '/home/me/app/routes/posts.ts', line: 14, column: 7, function: null };
  it.each([
    ['vscode://file/{file}:{line}', 'vscode://file/home/me/app/routes/posts.ts:14'],
    ['vscode://file/{file}:{line}:{column}', 'vscode://file/home/me/app/routes/posts.ts:14:7'],
    ['idea://open?file={file}&line={line}', 'idea://open?file=/home/me/app/routes/posts.ts&line=14'],
  ])('%s', (template, expected) => {
    expect(editorUrl(template, site)).toBe(expected);
  });

  it('encodes spaces and uses forward slashes for Windows paths', () => {
    expect(editorUrl('vscode://file/{file}:{line}', { ...site, file: 'C:\\My App\\a.ts' })).toBe('vscode://file/C:/My%20App/a.ts:14');
  });

  it('defaults to VS Code and rejects templates it cannot fill', () => {
    expect(resolveOptions({}).editorUrl).toBe('vscode://file/{file}:{line}');
    expect(() => resolveOptions({ editorUrl: 'file={file}' })).toThrow(/URL scheme/);
    expect(() => resolveOptions({ editorUrl: 'vscode://open?line={line}' })).toThrow(/must contain \{file\}/);
    expect(() => resolveOptions({ editorUrl: 'vscode://file/{file}:{row}' })).toThrow(/unknown placeholder \{row\}/);
    expect(() => resolveOptions({ editorUrl: 3 as unknown as string })).toThrow(/must be a string/);
  });

  it('validates nPlusOneThreshold', () => {
    expect(resolveOptions({}).nPlusOneThreshold).toBe(3);
    expect(resolveOptions({ nPlusOneThreshold: 5 }).nPlusOneThreshold).toBe(5);
    expect(() => resolveOptions({ nPlusOneThreshold: 1 })).toThrow(/at least 2/);
    expect(() => resolveOptions({ nPlusOneThreshold: 2.5 })).toThrow(/positive integer/);
  });
});
