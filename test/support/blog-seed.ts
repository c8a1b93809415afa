/*
 * The rows of the blog every ORM fix test reads (test/panels/sql/fixes/orm-fixes-*.test.ts), in plain SQL so the
 * data is the same whatever the ORM: 4 users, 6 articles (the sixth without comments or tags),
 * 14 comments at distinct times, 4 tags.
 */

export interface BlogSeedOptions {
  /** `$1` (PostgreSQL) or `?` (MySQL/MariaDB). */
  placeholder: (index: number) => string;
  /** The join table of articles and tags, and its two columns: `article_tags (article_id, tag_id)`, Prisma's `"_ArticleToTag" ("A", "B")`. */
  joinTable: string;
  joinColumns: [article: string, tag: string];
}

export const USERS = ['Ada', 'Bob', 'Cy', 'Di'];
export const ARTICLES = 6;
export const TAGS = ['node', 'sql', 'orm', 'css'];
/** [article id, tag id] pairs. */
export const ARTICLE_TAGS: Array<[number, number]> = [[1, 1], [1, 2], [2, 2], [3, 3], [4, 1], [4, 3], [4, 4], [5, 2]];

/** Runs the inserts through `run(sql, params)`. */
export async function seedBlog(run: (sql: string, params: unknown[]) => Promise<unknown>, options: BlogSeedOptions): Promise<void> {
  const p = options.placeholder;
  for (const name of USERS) await run(`INSERT INTO users (name) VALUES (${p(1)})`, [name]);
  for (let i = 1; i <= ARTICLES; i++) {
    await run(`INSERT INTO articles (title, author_id) VALUES (${p(1)}, ${p(2)})`, [`Article ${i}`, 1 + (i % USERS.length)]);
  }
  for (let i = 1; i <= 14; i++) {
    const hour = String(i).padStart(2, '0');
    await run(`INSERT INTO comments (body, article_id, writer_id, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
      [`Comment ${i}`, 1 + (i % (ARTICLES - 1)), 1 + (i % 3), `2026-01-0${1 + (i % 3)} ${hour}:00:00`]);
  }
  for (const label of TAGS) await run(`INSERT INTO tags (label) VALUES (${p(1)})`, [label]);
  const [articleColumn, tagColumn] = options.joinColumns;
  for (const [article, tag] of ARTICLE_TAGS) {
    await run(`INSERT INTO ${options.joinTable} (${articleColumn}, ${tagColumn}) VALUES (${p(1)}, ${p(2)})`, [article, tag]);
  }
}
