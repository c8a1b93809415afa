import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import knexFactory, { type Knex } from 'knex';
import { DataTypes, Sequelize, type ModelStatic, type Model } from 'sequelize';
import mysql from 'mysql2';
import Database from 'better-sqlite3';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debugToolbar } from '../../../../server/index.js';
import type { RequestDetail } from '../../../../server/types.js';
import { createTestDatabase, mysqlAvailable } from '../../../support/mysql.js';
import { fetchRecorded, listen } from '../../../support/http.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const mysqlUp = await mysqlAvailable();
const POSTS = 4;

/** The N+1 of a `/n-plus-one` route: one list query, then one query per post, all from this file. */
function expectNPlusOne(detail: RequestDetail, driver: string) {
  expect(detail.panels.sql!.queries.every((q) => q.db.driver === driver)).toBe(true);
  expect(detail.panels.sql!.nPlusOne).toHaveLength(1);
  const group = detail.panels.sql!.nPlusOne[0];
  expect(group.count).toBe(POSTS);
  const repeated = detail.panels.sql!.queries.filter((q) => group.queryIds.includes(q.id));
  expect(repeated).toHaveLength(POSTS);
  expect(new Set(repeated.map((q) => q.fingerprint)).size).toBe(1);
  // Different authors each time: through params (knex) or literals inlined in the SQL (sequelize).
  expect(new Set(repeated.map((q) => JSON.stringify([q.sql, q.params]))).size).toBeGreaterThan(1);
  expect(group.callSite?.file).toBe(THIS_FILE);
  for (const query of detail.panels.sql!.queries) expect(query.callSite?.file).toBe(THIS_FILE);
  return repeated;
}

async function seedKnex(db: Knex) {
  await db.schema.createTable('authors', (t) => {
    t.increments('id');
    t.string('name');
  });
  await db.schema.createTable('posts', (t) => {
    t.increments('id');
    t.integer('author_id');
    t.string('title');
  });
  await db('authors').insert([{ name: 'a1' }, { name: 'a2' }, { name: 'a3' }]);
  await db('posts').insert([1, 2, 3, 1].map((authorId, i) => ({ author_id: authorId, title: `p${i}` })));
}

/** A route that loads the posts, then each post's author: the textbook N+1. */
async function knexApp(db: Knex, instrument: Parameters<typeof debugToolbar>[0]) {
  const app = express();
  app.use(debugToolbar(instrument));
  app.get('/n-plus-one', async (_req, res) => {
    const posts = await db('posts').select('id', 'author_id', 'title').orderBy('id');
    for (const post of posts) post.author = await db('authors').where({ id: post.author_id }).first();
    res.json({ posts: posts.length });
  });
  return listen(app);
}

describe.skipIf(!mysqlUp)('knex on mysql2', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = knexFactory({ client: 'mysql2', connection: database.connection, pool: { min: 0, max: 2 } });
    await seedKnex(db);
    server = await knexApp(db, { instrument: { mysql2: mysql } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.destroy();
    await database?.drop();
  });

  it('records the N+1 with params and call sites in this file', async () => {
    const { detail } = await fetchRecorded(server.url, '/n-plus-one');
    const repeated = expectNPlusOne(detail, 'mysql2');
    expect(repeated.map((q) => q.params)).toEqual([[1, 1], [2, 1], [3, 1], [1, 1]]);
    expect(repeated[0].sql).toBe('select * from `authors` where `id` = ? limit ?');
  });
});

describe('knex on better-sqlite3', () => {
  let dir: string;
  let db: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-orm-'));
    db = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'knex.db') }, useNullAsDefault: true });
    await seedKnex(db);
    server = await knexApp(db, { instrument: { betterSqlite3: Database } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the N+1 with params and call sites in this file', async () => {
    const { detail } = await fetchRecorded(server.url, '/n-plus-one');
    const repeated = expectNPlusOne(detail, 'better-sqlite3');
    expect(repeated.map((q) => q.params)).toEqual([[1, 1], [2, 1], [3, 1], [1, 1]]);
  });
});

describe('knex on sqlite3', () => {
  let dir: string;
  let db: Knex;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-orm-'));
    db = knexFactory({ client: 'sqlite3', connection: { filename: join(dir, 'knex.db') }, useNullAsDefault: true });
    await seedKnex(db);
    server = await knexApp(db, { instrument: { sqlite3 } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the N+1 with params and call sites in this file', async () => {
    const { detail } = await fetchRecorded(server.url, '/n-plus-one');
    const repeated = expectNPlusOne(detail, 'sqlite3');
    expect(repeated.map((q) => q.params)).toEqual([[1, 1], [2, 1], [3, 1], [1, 1]]);
  });
});

function defineModels(sequelize: Sequelize) {
  const Author = sequelize.define('Author', { name: DataTypes.STRING }, { tableName: 'authors', timestamps: false });
  const Post = sequelize.define('Post', { authorId: DataTypes.INTEGER, title: DataTypes.STRING }, { tableName: 'posts', timestamps: false });
  return { Author, Post };
}

async function sequelizeApp(sequelize: Sequelize, models: { Author: ModelStatic<Model>; Post: ModelStatic<Model> },
  instrument: Parameters<typeof debugToolbar>[0]) {
  await sequelize.sync();
  await models.Author.bulkCreate([{ name: 'a1' }, { name: 'a2' }, { name: 'a3' }]);
  await models.Post.bulkCreate([1, 2, 3, 1].map((authorId, i) => ({ authorId, title: `p${i}` })));
  const app = express();
  app.use(debugToolbar(instrument));
  app.get('/n-plus-one', async (_req, res) => {
    const posts = await models.Post.findAll({ order: [['id', 'ASC']] });
    for (const post of posts) await models.Author.findByPk(post.get('authorId') as number);
    res.json({ posts: posts.length });
  });
  return listen(app);
}

describe.skipIf(!mysqlUp)('sequelize on mysql2', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sequelize: Sequelize;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { host, port, user, password } = database.connection;
    // No dialectModule: sequelize require()s mysql2 itself, and gets the hoisted copy we patch.
    sequelize = new Sequelize(database.database, user, password ?? '', {
      dialect: 'mysql', host, port, logging: false, pool: { max: 2 },
    });
    server = await sequelizeApp(sequelize, defineModels(sequelize), { instrument: { mysql2: mysql } });
  });
  afterAll(async () => {
    await server?.close();
    await sequelize?.close();
    await database?.drop();
  });

  it('patches the copy of mysql2 that sequelize loads', () => {
    const fromSequelize = createRequire(createRequire(import.meta.url).resolve('sequelize'))('mysql2');
    expect(fromSequelize).toBe(mysql);
  });

  it('records the N+1 with call sites in this file', async () => {
    const { detail } = await fetchRecorded(server.url, '/n-plus-one');
    expectNPlusOne(detail, 'mysql2');
  });
});

describe('sequelize on sqlite3', () => {
  let dir: string;
  let sequelize: Sequelize;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edt-orm-'));
    sequelize = new Sequelize({ dialect: 'sqlite', storage: join(dir, 'sequelize.db'), logging: false, dialectModule: sqlite3 });
    server = await sequelizeApp(sequelize, defineModels(sequelize), { instrument: { sqlite3 } });
  });
  afterAll(async () => {
    await server?.close();
    await sequelize?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the N+1 with call sites in this file', async () => {
    const { detail } = await fetchRecorded(server.url, '/n-plus-one');
    expectNPlusOne(detail, 'sqlite3');
  });
});
