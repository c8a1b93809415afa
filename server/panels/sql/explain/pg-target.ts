import type { DbInfo } from '../../../types.js';
import { registerExplainTarget, type ExplainTarget } from './targets.js';

/** The settings of a pg Client that name its database and session, as `client.connectionParameters` holds them. */
interface PgConnectionParameters {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: unknown;
  ssl?: unknown;
  options?: string;
}

interface PgClientLike {
  connectionParameters?: PgConnectionParameters;
  database?: string;
  constructor: new (config: object) => PgExplainClient;
}

interface PgExplainClient {
  connect(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  query(config: { text: string; values: unknown[]; queryMode: 'extended' }): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** An EXPLAIN must not hang the panel, wait on the app's locks, or hold a transaction open. */
export const STATEMENT_TIMEOUT_MS = 30_000;
export const LOCK_TIMEOUT_MS = 5_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** How the explain connections show up in pg_stat_activity. */
export const EXPLAIN_APPLICATION_NAME = 'express-debug-toolbar explain';

const infos = new WeakMap<object, DbInfo>();

/**
 * A target that opens `new Client(settings)` of the same pg module (the app's Client class, so a
 * second copy of pg works too), runs the work, and always ends the client.
 */
function pgTarget(Client: PgClientLike['constructor'], settings: PgConnectionParameters): ExplainTarget {
  return {
    dialect: 'postgres',
    async withConnection(work) {
      const client = new Client({
        ...settings, statement_timeout: STATEMENT_TIMEOUT_MS, lock_timeout: LOCK_TIMEOUT_MS,
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: EXPLAIN_APPLICATION_NAME,
      });
      // A connection ended from the server side while idle (pg_terminate_backend, a restart) is
      // emitted as 'error' on the client: without a listener it would be the app's uncaught exception.
      // The statement in progress, if any, fails with it anyway.
      client.on('error', () => undefined);
      try {
        await client.connect();
        // The extended protocol even without params: the simple one runs every statement in a
        // text, and a COMMIT among them would end the read-only transaction.
        return await work(async (sql, values) => (await client.query({ text: sql, values: values ? [...values] : [], queryMode: 'extended' })).rows);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/**
 * The DbInfo of a pg Client's queries, with the `explainKey` of its connection settings (the
 * password is used to connect but is not part of the key, which the browser sees). Computed once
 * per client: the query hook calls this on every query.
 *
 * @example
 * const db = pgDbInfo(client); // { dialect: 'postgres', driver: 'pg', database: 'app', explainKey: 'pg:app@localhost:5432/app' }
 */
export function pgDbInfo(client: object): DbInfo {
  let info = infos.get(client);
  if (info) return info;
  const { connectionParameters: params, database, constructor: Client } = client as PgClientLike;
  info = { dialect: 'postgres', driver: 'pg', database };
  if (params && typeof Client === 'function') {
    const settings: PgConnectionParameters = {
      host: params.host, port: params.port, database: params.database, user: params.user, password: params.password,
      ssl: params.ssl, options: params.options,
    };
    const key = `pg:${settings.user ?? ''}@${settings.host ?? ''}:${settings.port ?? ''}/${settings.database ?? ''}`
      + (settings.options ? `?options=${settings.options}` : '') + (settings.ssl ? '+ssl' : '');
    info.explainKey = registerExplainTarget(key, () => pgTarget(Client, settings));
  }
  infos.set(client, info);
  return info;
}
