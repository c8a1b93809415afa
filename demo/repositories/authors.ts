import type { Queryable } from './db-types.js';

export interface Author {
  id: number;
  name: string;
  email: string;
  bio: string;
}

/**
 * One author by id. Called once per post by the /posts page: the classic N+1, which the toolbar
 * reports with this file as the call site.
 */
export async function findAuthorById(db: Queryable, id: number): Promise<Author | undefined> {
  const { rows } = await db.query<Author>(
    'SELECT id, name, email, bio FROM authors WHERE id = $1',
    [id],
  );
  return rows[0];
}

/**
 * The signed-in user. The demo has no login, so it is always author 1; what matters is that
 * several "components" of the /duplicates page each call it with the same id.
 */
export async function currentUser(db: Queryable): Promise<Author | undefined> {
  return findAuthorById(db, 1);
}
