import { DataTypes, Model, type Sequelize } from 'sequelize';
import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';

/*
 * The blog schema of test/panels/sql/orm/orm-pg.test.ts as ORM models. Kept out of the test file: class fields
 * make the test transform shift line numbers, and the test asserts call-site lines.
 */

export class Author extends Model {
  declare id: number;
  declare name: string;
}

export class Post extends Model {
  declare id: number;
  declare author_id: number;
  declare getAuthor: () => Promise<Author>;
}

/** Sequelize models over the `authors` and `posts` tables: `Post.belongsTo(Author)` by `author_id`. */
export function defineSequelizeModels(sequelize: Sequelize): void {
  Author.init({ name: DataTypes.STRING }, { sequelize, tableName: 'authors', timestamps: false });
  Post.init({ title: DataTypes.STRING, author_id: DataTypes.INTEGER }, { sequelize, tableName: 'posts', timestamps: false });
  Post.belongsTo(Author, { foreignKey: 'author_id' });
}

/** drizzle-orm tables, named the drizzle way. */
export const authors = pgTable('authors', { id: serial('id').primaryKey(), name: text('name').notNull() });
export const posts = pgTable('posts', { id: serial('id').primaryKey(), authorId: integer('author_id'), title: text('title') });
