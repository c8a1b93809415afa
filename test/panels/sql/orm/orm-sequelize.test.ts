import { describe, expect, it, vi } from 'vitest';
import { Sequelize } from 'sequelize';
import { readSequelizeSchema } from '../../../../server/panels/sql/orm/sequelize.js';
import { ormNamesIn, schemaFor } from '../../../../server/panels/sql/orm/index.js';
import { modelByTable, propertyOf, relationFor, relationsFor } from '../../../../server/panels/sql/orm/lookup.js';
import { resolveOptions } from '../../../../server/options.js';
import { defineModels } from '../../../fixtures/orm-fixes/sequelize-app.js';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as drizzleSchema from '../../../fixtures/orm-fixes/drizzle-schema.js';

/*
 * What the toolbar reads from a Sequelize instance (server/panels/sql/orm/sequelize.ts) and the
 * questions fixes ask of it (orm/lookup.ts). No database: Sequelize defines models offline.
 */

const offline = () => new Sequelize('postgres://nobody@127.0.0.1:1/none', { logging: false });

describe('the Sequelize schema reader', () => {
  const sequelize = offline();
  defineModels(sequelize);
  const schema = readSequelizeSchema(sequelize)!;
  const model = (name: string) => schema.models.find((m) => m.name === name)!;

  it('reads models with their tables, keys and columns (attribute → column)', () => {
    expect(schema.orm).toBe('sequelize');
    expect(model('Article')).toMatchObject({
      table: 'articles', primaryKey: ['id'],
      columns: [{ property: 'id', column: 'id' }, { property: 'title', column: 'title' }, { property: 'authorId', column: 'author_id' }],
    });
    expect(model('ArticleTag').primaryKey).toEqual(['article_id', 'tag_id']);
  });

  it('reads associations by their aliases, with the columns that join them', () => {
    expect(model('Article').relations.map(({ accessors: _accessors, ...relation }) => relation)).toEqual([
      { name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' },
      { name: 'comments', kind: 'has-many', source: 'Article', target: 'Comment', sourceColumn: 'id', targetColumn: 'article_id' },
      {
        name: 'tagList', kind: 'many-to-many', source: 'Article', target: 'Tag', sourceColumn: 'id', targetColumn: 'id',
        through: { table: 'article_tags', model: 'ArticleTag', sourceColumn: 'article_id', targetColumn: 'tag_id' },
      },
    ]);
    expect(model('User').relations.map((r) => [r.name, r.kind, r.through?.sourceColumn])).toEqual([
      ['articles', 'has-many', undefined], ['followers', 'many-to-many', 'following_id'], ['following', 'many-to-many', 'follower_id'],
    ]);
  });

  it('reads the methods each association adds to a row, as the app calls them (association.accessors)', () => {
    expect(model('Article').relations.map((r) => r.accessors?.get)).toEqual(['getAuthor', 'getComments', 'getTagList']);
    const followers = model('User').relations.find((r) => r.name === 'followers')!;
    expect(followers.accessors).toMatchObject({ hasSingle: 'hasFollower', hasAll: 'hasFollowers', count: 'countFollowers', get: 'getFollowers' });
  });

  it('reads a schema-qualified table and a through table given by name', () => {
    const other = offline();
    const A = other.define('A', {}, { tableName: 'as', schema: 'app', timestamps: false });
    A.belongsToMany(A, { through: 'a_links', as: 'linked', foreignKey: 'from_id', otherKey: 'to_id' });
    const read = readSequelizeSchema(other)!;
    expect(read.models.find((m) => m.name === 'A')).toMatchObject({ table: 'as', schema: 'app' });
    expect(read.models.find((m) => m.name === 'A')!.relations[0].through).toMatchObject({ table: 'a_links', sourceColumn: 'from_id', targetColumn: 'to_id' });
  });

  it('is null for anything that is not a Sequelize instance', () => {
    expect(readSequelizeSchema(Sequelize)).toBeNull();
    expect(readSequelizeSchema({ models: {} })).toBeNull();
    expect(readSequelizeSchema(null)).toBeNull();
  });

  it('answers the lookups fixes ask, and says when several relations could be it', () => {
    expect(modelByTable(schema, 'USERS')?.name).toBe('User');
    expect(propertyOf(model('Heartbeat'), 'monitor_id')).toBe('monitorId');
    expect(propertyOf(model('Heartbeat'), 'nope')).toBeNull();
    expect(relationFor(schema, 'articles', 'users', 'id')?.name).toBe('author');
    expect(relationFor(schema, 'articles', 'comments', 'article_id')?.name).toBe('comments');
    expect(relationFor(schema, 'articles', 'article_tags', 'article_id')?.name).toBe('tagList');
    expect(relationFor(schema, 'users', 'follows', 'following_id')?.name).toBe('followers');
    expect(relationFor(schema, 'articles', 'tags', 'name')).toBeNull();
    const two = offline();
    const { User, Article } = defineModels(two);
    Article.belongsTo(User, { as: 'editor', foreignKey: 'editorId' });
    expect(relationsFor(readSequelizeSchema(two), 'articles', 'users', 'id').map((r) => r.name)).toEqual(['author', 'editor']);
    expect(relationFor(readSequelizeSchema(two), 'articles', 'users', 'id')).toBeNull();
  });

  it('a lookup keyed by the parent\'s own id inside a join or subquery walks the parent\'s relation to the looked-up table', () => {
    // Prisma's `tag.findMany({ where: { articles: { some: { id } } } })` and TypeORM's
    // `find({ where: { articles: { id } } })` compare articles.id, not the join table's column.
    expect(relationFor(schema, 'articles', 'articles', 'id', 'tags')?.name).toBe('tagList');
    expect(relationFor(schema, 'articles', 'articles', 'id', 'comments')?.name).toBe('comments');
    // Without the looked-up table, or by a column that is not the key, nothing is known.
    expect(relationsFor(schema, 'articles', 'articles', 'id')).toEqual([]);
    expect(relationsFor(schema, 'articles', 'articles', 'author_id', 'tags')).toEqual([]);
    // The parent's own belongs-to is not walked from its key: each article has one author, found by author_id.
    expect(relationsFor(schema, 'articles', 'articles', 'id', 'users')).toEqual([]);
  });
});

describe('the ORM object in instrument', () => {
  it('is read when first needed, and again once the app defines more models', () => {
    const sequelize = offline();
    expect(schemaFor({ sequelize })).toMatchObject({ orm: 'sequelize', models: [] });
    const User = sequelize.define('User', {}, { tableName: 'users' });
    expect(schemaFor({ sequelize })?.models.map((m) => m.name)).toEqual(['User']);
    const first = schemaFor({ sequelize });
    expect(schemaFor({ sequelize })).toBe(first);
    sequelize.define('Post', {}, { tableName: 'posts' }).belongsTo(User, { as: 'writer' });
    expect(schemaFor({ sequelize })?.models.find((m) => m.name === 'Post')?.relations.map((r) => r.name)).toEqual(['writer']);
    expect(schemaFor({ pg: {} })).toBeNull();
    expect(ormNamesIn({ pg: {}, sequelize, prisma: undefined })).toEqual(['sequelize']);
  });

  it('with two ORM objects, a query\'s fix reads the schema of the ORM that issued it, never the other\'s', async () => {
    const sequelize = offline();
    defineModels(sequelize);
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1 }); // never connected: drizzle reads its schema offline
    const db = drizzle(pool, { schema: drizzleSchema });
    const both = { pg, sequelize, drizzle: db };
    expect(schemaFor(both, 'drizzle')?.orm).toBe('drizzle');
    expect(schemaFor(both, 'sequelize')?.orm).toBe('sequelize');
    // An ORM whose object was not passed gets no schema: another ORM's names would be wrong in its fix.
    expect(schemaFor(both, 'prisma')).toBeNull();
    // Queries of no ORM (knex, a driver) read the first schema there is, for table and column names.
    expect(schemaFor(both)?.orm).toBe('sequelize');
    await pool.end();
  });

  it('costs one warning, never the request, when the ORM cannot be read', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken = { define() {}, models: { get Bad() { throw new Error('boom'); } } };
    expect(schemaFor({ sequelize: broken })).toBeNull();
    expect(schemaFor({ sequelize: broken })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('could not read the sequelize models; fixes stay at the SQL level');
    warn.mockRestore();
  });

  it('accepts the ORM keys in the instrument option, and still names the unknown ones', () => {
    const sequelize = offline();
    expect(resolveOptions({ instrument: { sequelize, prisma: {}, typeorm: {}, drizzle: {} } }).instrument.sequelize).toBe(sequelize);
    expect(() => resolveOptions({ instrument: { mongoose: {} } as never })).toThrow(/unknown driver `instrument.mongoose`; supported: pg, pglite, mysql2, betterSqlite3, sqlite3, sequelize, prisma, typeorm, drizzle, ejs/);
  });
});
