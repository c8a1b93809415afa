import { requestContext } from '../../../request/context.js';
import type { ExplainTarget, Rows } from './targets.js';

/** The parts of mysql2's promise connection EXPLAIN uses. */
export interface Mysql2ExplainConnection {
  execute(sql: string, params?: unknown[]): Promise<[unknown, unknown]>;
  format(sql: string, params?: unknown): string;
  end(): Promise<void>;
  connection?: { destroy(): void };
}

/** Opens a promise connection of the app's own mysql2 copy. */
export type Mysql2Connect = (options: object) => Promise<Mysql2ExplainConnection>;

/** Only connection settings are copied: no pool options, never `multipleStatements`, no custom stream. */
const EXPLAIN_SETTINGS = [
  'host', 'port', 'socketPath', 'localAddress', 'user', 'password', 'password2', 'password3', 'passwordSha1',
  'database', 'ssl', 'charsetNumber', 'connectTimeout', 'authPlugins', 'authSwitchHandler', 'insecureAuth',
  'enableCleartextPlugin', 'timezone', 'supportBigNumbers', 'bigNumberStrings', 'decimalNumbers', 'dateStrings',
];

/** Seconds an EXPLAIN ANALYZE may run, and may wait for a lock, on MySQL/MariaDB. */
export const MYSQL_STATEMENT_TIMEOUT_S = 30;
export const MYSQL_LOCK_TIMEOUT_S = 5;

/** Session limits: MariaDB's max_statement_time (seconds), MySQL's max_execution_time (ms, SELECT only). */
async function limitSession(connection: Mysql2ExplainConnection): Promise<void> {
  const [rows] = await connection.execute('SELECT VERSION() AS version');
  const mariadb = /mariadb/i.test(String((rows as { version?: unknown }[])[0]?.version ?? ''));
  await connection.execute(mariadb
    ? `SET SESSION max_statement_time = ${MYSQL_STATEMENT_TIMEOUT_S}`
    : `SET SESSION max_execution_time = ${MYSQL_STATEMENT_TIMEOUT_S * 1000}`);
  await connection.execute(`SET SESSION lock_wait_timeout = ${MYSQL_LOCK_TIMEOUT_S}, innodb_lock_wait_timeout = ${MYSQL_LOCK_TIMEOUT_S}`);
}

/**
 * An EXPLAIN target on a connection of its own with the app's settings. Every statement goes
 * through `execute` (a prepared statement runs exactly one statement); the stored params are
 * first put into the text by mysql2's own `format`, as the app's `query()` did (arrays for
 * `IN (?)` included), so the text that is checked is the text that runs.
 */
export function mysql2Target(connect: Mysql2Connect, config: Record<string, unknown>): ExplainTarget {
  const options: Record<string, unknown> = {};
  for (const name of EXPLAIN_SETTINGS) if (config[name] !== undefined) options[name] = config[name];
  return {
    dialect: 'mysql',
    withConnection(work) {
      // Outside any request, so the toolbar never records its own EXPLAIN.
      return requestContext.exit(async () => {
        const connection = await connect(options);
        try {
          await limitSession(connection);
          return await work(async (sql, params) => {
            const [rows] = await connection.execute(sql, params && params.length ? [...params] : []);
            return (Array.isArray(rows) ? rows : [rows]) as Rows;
          }, (sql, params) => connection.format(sql, [...params]));
        } finally {
          await connection.end().catch(() => connection.connection?.destroy());
        }
      });
    },
  };
}
