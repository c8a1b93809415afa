import type { Queryable } from './db-types.js';

export interface Post {
  id: number;
  authorId: number;
  title: string;
  body: string;
  likes: number;
  publishedAt: Date;
}

export interface PostWithAuthor extends Post {
  authorName: string;
}

export interface PostSummary extends PostWithAuthor {
  commentCount: number;
}

const POST_COLUMNS = `p.id, p.author_id AS "authorId", p.title, p.body, p.likes,
  p.published_at AS "publishedAt"`;

/** The newest posts, without their authors: callers that need authors must fetch them. */
export async function listPosts(db: Queryable, limit = 30): Promise<Post[]> {
  const { rows } = await db.query<Post>(
    `SELECT ${POST_COLUMNS} FROM posts p ORDER BY p.published_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** The newest posts with their authors, in one JOIN: the fix for /posts' N+1. */
export async function listPostsWithAuthors(db: Queryable, limit = 30): Promise<PostWithAuthor[]> {
  const { rows } = await db.query<PostWithAuthor>(
    `SELECT ${POST_COLUMNS}, a.name AS "authorName"
     FROM posts p JOIN authors a ON a.id = p.author_id
     ORDER BY p.published_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** The API's list: posts, their authors and how many comments each has, in one query. */
export async function listPostSummaries(db: Queryable, limit = 30): Promise<PostSummary[]> {
  const { rows } = await db.query<PostSummary>(
    `SELECT ${POST_COLUMNS}, a.name AS "authorName", count(c.id)::int AS "commentCount"
     FROM posts p
     JOIN authors a ON a.id = p.author_id
     LEFT JOIN comments c ON c.post_id = p.id
     GROUP BY p.id, a.name
     ORDER BY p.published_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** One post with its author, written with PGlite's `sql` tagged template. */
export async function findPost(db: Queryable, id: number): Promise<PostWithAuthor | undefined> {
  const { rows } = await db.sql<PostWithAuthor>`
    SELECT p.id, p.author_id AS "authorId", p.title, p.body, p.likes,
           p.published_at AS "publishedAt", a.name AS "authorName"
    FROM posts p JOIN authors a ON a.id = p.author_id
    WHERE p.id = ${id}`;
  return rows[0];
}

/** Adds a like and returns the new count, or undefined when the post does not exist. */
export async function likePost(db: Queryable, id: number): Promise<number | undefined> {
  const { rows } = await db.query<{ likes: number }>(
    'UPDATE posts SET likes = likes + 1 WHERE id = $1 RETURNING likes',
    [id],
  );
  return rows[0]?.likes;
}
