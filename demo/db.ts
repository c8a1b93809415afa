import { PGlite } from '@electric-sql/pglite';

/**
 * The demo's database: an in-memory Postgres (PGlite), created and seeded at start-up.
 *
 * Seeding uses a handful of set-based statements (generate_series) rather than thousands of
 * INSERTs so the demo is ready in a second or two. It runs before any request, so the toolbar
 * records none of it.
 */
export async function createDb(): Promise<PGlite> {
  const db = new PGlite();
  await db.exec(SCHEMA);
  await db.exec(SEED);
  return db;
}

const SCHEMA = /* sql */ `
  CREATE TABLE authors (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    bio text NOT NULL
  );

  CREATE TABLE posts (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id),
    title text NOT NULL,
    body text NOT NULL,
    likes integer NOT NULL DEFAULT 0,
    published_at timestamptz NOT NULL
  );

  CREATE TABLE comments (
    id serial PRIMARY KEY,
    post_id integer NOT NULL REFERENCES posts (id),
    author_name text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL
  );
  CREATE INDEX comments_post_id_idx ON comments (post_id);

  CREATE TABLE tags (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE
  );

  CREATE TABLE post_tags (
    post_id integer NOT NULL REFERENCES posts (id),
    tag_id integer NOT NULL REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
  );

  CREATE TABLE site_settings (
    key text PRIMARY KEY,
    value text NOT NULL
  );

  -- Deliberately no index on path: /slow filters on it and scans every row.
  CREATE TABLE page_views (
    id bigserial PRIMARY KEY,
    path text NOT NULL,
    user_agent text NOT NULL,
    viewed_at timestamptz NOT NULL
  );
`;

const SEED = /* sql */ `
  INSERT INTO authors (name, email, bio)
  SELECT name, lower(split_part(name, ' ', 1)) || '@example.com', 'Writes about ' || topic || '.'
  FROM unnest(
    ARRAY['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth',
          'Margaret Hamilton', 'Ken Thompson', 'Frances Allen', 'John Backus', 'Radia Perlman'],
    ARRAY['engines', 'compilers', 'algorithms', 'abstraction', 'typesetting',
          'flight software', 'operating systems', 'optimisation', 'languages', 'networks']
  ) AS a(name, topic);

  INSERT INTO posts (author_id, title, body, likes, published_at)
  SELECT
    1 + (i * 7) % 10,
    (ARRAY['Notes on', 'Rethinking', 'A short history of', 'Why I still like', 'Debugging'])[1 + i % 5]
      || ' ' ||
    (ARRAY['indexes', 'transactions', 'query plans', 'joins', 'connection pools', 'migrations'])[1 + i % 6],
    'Post number ' || i || '. ' || repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 3 + i % 4),
    (i * 13) % 50,
    timestamptz '2024-01-01 09:00+00' + i * interval '3 days'
  FROM generate_series(1, 30) AS i;

  INSERT INTO comments (post_id, author_name, body, created_at)
  SELECT
    1 + (i * 11) % 30,
    (ARRAY['alice', 'bob', 'carol', 'dave', 'erin', 'frank'])[1 + i % 6],
    (ARRAY['Great write-up, thanks!', 'Have you measured this under load?', 'This saved my afternoon.',
           'I disagree with the second point.', 'Could you share the query plan?'])[1 + i % 5],
    timestamptz '2024-01-02 10:00+00' + i * interval '17 hours'
  FROM generate_series(1, 100) AS i;

  INSERT INTO tags (name)
  VALUES ('postgres'), ('performance'), ('express'), ('testing'), ('history'), ('tooling');

  INSERT INTO post_tags (post_id, tag_id)
  SELECT p, 1 + (p + k) % 6
  FROM generate_series(1, 30) AS p, generate_series(0, 2) AS k
  WHERE (p + k) % 3 <> 0 OR k = 0;

  INSERT INTO site_settings (key, value)
  VALUES ('site_name', 'The Query Log'), ('tagline', 'A small blog with a few slow habits'),
         ('theme', 'light');

  INSERT INTO page_views (path, user_agent, viewed_at)
  SELECT
    '/posts/' || (1 + (i * 31) % 30),
    (ARRAY['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
           'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15',
           'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0',
           'curl/8.5.0'])[1 + i % 4],
    timestamptz '2024-06-01 00:00+00' + i * interval '37 seconds'
  FROM generate_series(1, 50000) AS i;

  ANALYZE;
`;
