import type { DbInfo } from '../../../types.js';
import { registerExplainTarget, type ExplainTarget } from './targets.js';

interface PgliteTransaction {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

interface PgliteLike {
  transaction<T>(callback: (tx: PgliteTransaction) => Promise<T>): Promise<T>;
}

const infos = new WeakMap<object, DbInfo>();
let instances = 0;

/**
 * PGlite is embedded and has one connection, so EXPLAIN cannot have a connection of its own.
 * `transaction()` is the next best thing: it holds PGlite's transaction lock, so no app query runs
 * inside the EXPLAIN's read-only transaction or between its statements. PGlite sends BEGIN itself:
 * the explain runner's `BEGIN READ ONLY` (the what-if's `BEGIN READ WRITE`) becomes `SET
 * TRANSACTION READ ONLY` (`READ WRITE`), the first statement of that transaction, and its ROLLBACK
 * ends it.
 */
function pgliteTarget(db: PgliteLike): ExplainTarget {
  return {
    dialect: 'postgres',
    withConnection(work) {
      return db.transaction(async (tx) => {
        try {
          return await work(async (sql, params) => {
            if (sql === 'BEGIN READ ONLY') sql = 'SET TRANSACTION READ ONLY';
            else if (sql === 'BEGIN READ WRITE') sql = 'SET TRANSACTION READ WRITE'; // the what-if's CREATE INDEX
            else if (sql === 'ROLLBACK') return tx.closed ? [] : (await tx.rollback(), []);
            return (await tx.query(sql, params ? [...params] : undefined)).rows;
          });
        } finally {
          if (!tx.closed) await tx.rollback();
        }
      });
    },
  };
}

/**
 * The DbInfo of a PGlite instance's queries, with an `explainKey` naming the instance. Computed
 * once per instance.
 *
 * @example
 * pgliteDbInfo(db) // { dialect: 'postgres', driver: 'pglite', explainKey: 'pglite:1' }
 */
export function pgliteDbInfo(db: object): DbInfo {
  let info = infos.get(db);
  if (info) return info;
  info = { dialect: 'postgres', driver: 'pglite' };
  if (typeof (db as Partial<PgliteLike>).transaction === 'function') {
    instances += 1;
    info.explainKey = registerExplainTarget(`pglite:${instances}`, () => pgliteTarget(db as PgliteLike));
  }
  infos.set(db, info);
  return info;
}
