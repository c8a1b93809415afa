/** The pg routes' data, in a schema of the bench's own (dropped at the end) on the local PostgreSQL. */
import pg from 'pg';

const CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

export async function createPgSchema(): Promise<string> {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client(CONNECTION);
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    await client.query('CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL)');
    await client.query('CREATE TABLE posts (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES authors, title text NOT NULL, body text NOT NULL)');
    await client.query("INSERT INTO authors (name) SELECT 'Author ' || i FROM generate_series(1, 50) i");
    await client.query(`INSERT INTO posts (author_id, title, body)
      SELECT 1 + (i % 50), 'Post ' || i, repeat('Lorem ipsum dolor sit amet. ', 20) FROM generate_series(1, 500) i`);
    await client.query('CREATE INDEX posts_author_id ON posts (author_id)');
    await client.query('ANALYZE authors; ANALYZE posts');
  } finally {
    await client.end();
  }
  return schema;
}

export async function dropPgSchema(schema: string): Promise<void> {
  const client = new pg.Client(CONNECTION);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
