import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

/** MariaDB/MySQL for the tests: root without a password on 127.0.0.1:3306 unless MYSQL_URL says otherwise. */
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/**
 * Whether the MySQL tests can run. On CI an unreachable server is a failure, so the suite fails
 * loudly; on a laptop without MariaDB the tests are skipped with a message.
 */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await connection.end();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`MariaDB/MySQL is required on CI and unreachable at ${MYSQL_URL}: ${error}`);
    console.warn(`Skipping MySQL tests: cannot reach ${MYSQL_URL} (${(error as Error).message}). Set MYSQL_URL.`);
    return false;
  }
}

/** A database of the test's own (`edt_<random>`), dropped afterwards, and settings that use it. */
export async function createTestDatabase(prefix = 'edt') {
  const database = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = new URL(MYSQL_URL);
  const connection = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
  };
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.end();
  return {
    database,
    connection,
    async drop() {
      const client = await mysql.createConnection({ uri: MYSQL_URL });
      await client.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await client.end();
    },
  };
}
