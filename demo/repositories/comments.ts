import type { Queryable } from './db-types.js';

export interface Comment {
  id: number;
  authorName: string;
  body: string;
  createdAt: Date;
}

export interface Tag {
  id: number;
  name: string;
}

export async function listComments(db: Queryable, postId: number): Promise<Comment[]> {
  const { rows } = await db.query<Comment>(
    `SELECT id, author_name AS "authorName", body, created_at AS "createdAt"
     FROM comments WHERE post_id = $1 ORDER BY created_at`,
    [postId],
  );
  return rows;
}

export async function listTags(db: Queryable, postId: number): Promise<Tag[]> {
  const { rows } = await db.query<Tag>(
    `SELECT t.id, t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
     WHERE pt.post_id = $1 ORDER BY t.name`,
    [postId],
  );
  return rows;
}
