import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL tests can run. On CI an unreachable server is a failure, so the suite
 * fails loudly; on a laptop without PostgreSQL the tests are skipped with a message.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`PostgreSQL is required on CI and unreachable at ${POSTGRES_URL}: ${error}`);
    console.warn(`Skipping PostgreSQL tests: cannot reach ${POSTGRES_URL} (${(error as Error).message}). Set DATABASE_URL.`);
    return false;
  }
}

/** A schema of the test's own, dropped afterwards, and connection settings that use it. */
export async function createTestSchema(prefix: string) {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    schema,
    connection: { connectionString: POSTGRES_URL, options: `-c search_path=${schema}` },
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
