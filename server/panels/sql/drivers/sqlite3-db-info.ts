import { resolve } from 'node:path';
import { requestContext } from '../../../request/context.js';
import { registerExplainTarget, type ExplainTarget, type Rows } from '../explain/targets.js';
import type { DbInfo } from '../../../types.js';

/*
 * What a node-sqlite3 database is to the toolbar: its DbInfo (dialect, driver, file), and for a
 * database file, the EXPLAIN target that opens a read-only connection of its own to it.
 */

export interface Sqlite3Database {
  filename: string;
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: Rows) => void): unknown;
  close(callback: (error: Error | null) => void): void;
}

export interface Sqlite3Module {
  Database: (new (file: string, mode: number, callback: (error: Error | null) => void) => Sqlite3Database) & { prototype: object };
  Statement: { prototype: object };
  OPEN_READONLY: number;
}

function explainTargetFor(sqlite3: Sqlite3Module, file: string): ExplainTarget {
  const open = () => new Promise<Sqlite3Database>((done, fail) => {
    const db: Sqlite3Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? fail(error) : done(db)));
  });
  return {
    dialect: 'sqlite',
    withConnection(work) {
      // Outside any request, so the toolbar never records its own EXPLAIN.
      return requestContext.exit(async () => {
        const db = await open();
        try {
          return await work((sql, params) => new Promise<Rows>((done, fail) =>
            db.all(sql, params ? [...params] : [], (error, rows) => (error ? fail(error) : done(rows)))));
        } finally {
          await new Promise<void>((done) => db.close(() => done()));
        }
      });
    },
  };
}

/** The DbInfo of each database, cached; a database file's EXPLAIN target is registered the first time. */
export function dbInfoFactory(sqlite3: Sqlite3Module): (db: Sqlite3Database | undefined) => DbInfo {
  const cache = new WeakMap<object, DbInfo>();
  return (db) => {
    if (!db) return { dialect: 'sqlite', driver: 'sqlite3' };
    let info = cache.get(db);
    if (!info) {
      const filename = db.filename;
      info = { dialect: 'sqlite', driver: 'sqlite3', database: filename };
      // In-memory databases get no EXPLAIN: a connection of our own would see an empty database.
      if (filename && filename !== ':memory:' && !filename.startsWith('file:')) {
        const file = resolve(filename);
        info.explainKey = registerExplainTarget(`sqlite3:${file}`, () => explainTargetFor(sqlite3, file));
      }
      cache.set(db, info);
    }
    return info;
  };
}
