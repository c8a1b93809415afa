import { resolve } from 'node:path';
import { requestContext } from '../../../request/context.js';
import { startQuery, type QueryHandle } from '../capture.js';
import { registerExplainTarget, type ExplainTarget, type Rows } from '../explain/targets.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import type { DbInfo } from '../../../types.js';

interface Database {
  name: string;
  memory: boolean;
  readonly: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
  close(): void;
}

interface Statement {
  source: string;
  reader: boolean;
  database: Database;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

type DatabaseClass = new (filename?: string, options?: object) => Database;

/** What `stmt.bind(...)` fixed, for the run/get/all calls that then pass no params. */
const boundParams = new WeakMap<object, unknown>();
const infos = new WeakMap<object, DbInfo>();

/** better-sqlite3 binds `(1, 2)`, `([1, 2])` or `({ id: 1 })`: keep the array or object as given. */
function paramsOf(args: unknown[]): unknown {
  if (args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Buffer.isBuffer(args[0])) return args[0];
  return args;
}

function explainTargetFor(Database: DatabaseClass, file: string): ExplainTarget {
  return {
    dialect: 'sqlite',
    withConnection(work) {
      // Outside any request, so the toolbar never records its own EXPLAIN.
      return requestContext.exit(async () => {
        const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
        try {
          return await work(async (sql, params) => {
            const statement = db.prepare(sql);
            const args = params && params.length ? [[...params]] : [];
            if (statement.reader) return statement.all(...args) as Rows;
            statement.run(...args);
            return [];
          });
        } finally {
          db.close();
        }
      });
    },
  };
}

function dbInfoFactory(Database: DatabaseClass): (db: Database | undefined) => DbInfo {
  return (db) => {
    if (!db) return { dialect: 'sqlite', driver: 'better-sqlite3' };
    let info = infos.get(db);
    if (!info) {
      info = { dialect: 'sqlite', driver: 'better-sqlite3', database: db.name };
      // In-memory databases get no EXPLAIN: another connection would see an empty database, and
      // running the endpoint's statements on the application's own handle could meet its open
      // transaction.
      if (!db.memory && db.name && !db.name.startsWith('file:')) {
        const file = resolve(db.name);
        info.explainKey = registerExplainTarget(`better-sqlite3:${file}`, () => explainTargetFor(Database, file));
      }
      infos.set(db, info);
    }
    return info;
  };
}

/**
 * What a statement's run binds: the call's own arguments, else what `bind` fixed. Each hook calls
 * `startQuery` itself rather than through a shared helper: every function between the stack capture
 * and the hook is one more frame V8 walks, for every query (stack/call-sites.ts).
 */
function paramsFor(statement: Statement, args: unknown[]): unknown {
  return args.length ? paramsOf(args) : boundParams.get(statement);
}

function timed<T>(handle: QueryHandle | null, run: () => T, rowCount: (result: T) => number | null): T {
  if (!handle) return run();
  let result: T;
  try {
    result = run();
  } catch (error) {
    handle.fail(error);
    throw error;
  }
  handle.succeed(rowCount(result));
  return result;
}

/** The query lasts until the iterator is exhausted, returns early, or throws. */
function timedIterator(iterator: any, handle: QueryHandle): void {
  const next = iterator.next;
  const finish = iterator.return;
  let rows = 0;
  iterator.next = function next_(this: unknown, ...args: unknown[]) {
    let step: IteratorResult<unknown>;
    try {
      step = next.apply(this, args);
    } catch (error) {
      handle.fail(error);
      throw error;
    }
    if (step.done) handle.succeed(rows);
    else rows += 1;
    return step;
  };
  if (typeof finish === 'function') {
    iterator.return = function return_(this: unknown, ...args: unknown[]) {
      handle.succeed(rows);
      return finish.apply(this, args);
    };
  }
}

/*
 * Each hook starts its query itself rather than through a shared helper: a helper's frame would sit
 * between the stack capture and the hook, and V8 walks it on every query (microsecond queries).
 */
function patchStatement(prototype: object, dbInfo: (db: Database | undefined) => DbInfo): void {
  patchMethod(prototype, 'run', (original) =>
    function run(this: Statement, ...args: unknown[]) {
      let handle: QueryHandle | null = null;
      try {
        handle = startQuery(this.source, paramsFor(this, args), dbInfo(this.database), run);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return timed(handle, () => original.apply(this, args),
        (result: any) => (typeof result?.changes === 'number' ? result.changes : null));
    });
  patchMethod(prototype, 'get', (original) =>
    function get(this: Statement, ...args: unknown[]) {
      let handle: QueryHandle | null = null;
      try {
        handle = startQuery(this.source, paramsFor(this, args), dbInfo(this.database), get);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return timed(handle, () => original.apply(this, args), (row) => (row === undefined ? 0 : 1));
    });
  patchMethod(prototype, 'all', (original) =>
    function all(this: Statement, ...args: unknown[]) {
      let handle: QueryHandle | null = null;
      try {
        handle = startQuery(this.source, paramsFor(this, args), dbInfo(this.database), all);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return timed(handle, () => original.apply(this, args),
        (rows) => (Array.isArray(rows) ? rows.length : null));
    });
  patchMethod(prototype, 'iterate', (original) =>
    function iterate(this: Statement, ...args: unknown[]) {
      let handle: QueryHandle | null = null;
      try {
        handle = startQuery(this.source, paramsFor(this, args), dbInfo(this.database), iterate);
      } catch (hookError) {
        reportHookError(hookError);
      }
      if (!handle) return original.apply(this, args);
      let iterator: unknown;
      try {
        iterator = original.apply(this, args);
      } catch (error) {
        handle.fail(error);
        throw error;
      }
      try {
        timedIterator(iterator, handle);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return iterator;
    });
  patchMethod(prototype, 'bind', (original) =>
    function bind(this: Statement, ...args: unknown[]) {
      const result = original.apply(this, args);
      try {
        boundParams.set(this, paramsOf(args));
      } catch (hookError) {
        reportHookError(hookError);
      }
      return result;
    });
}

function databaseClassOf(given: unknown): DatabaseClass | null {
  let candidate = given as any;
  if (candidate && typeof candidate === 'object' && typeof candidate.default === 'function') candidate = candidate.default;
  if (candidate && typeof candidate === 'object' && typeof candidate.constructor === 'function'
    && typeof candidate.prepare === 'function') {
    candidate = candidate.constructor;
  }
  if (typeof candidate !== 'function' || !candidate.prototype || typeof candidate.prototype.prepare !== 'function') return null;
  return candidate as DatabaseClass;
}

/**
 * Records every statement of `better-sqlite3`: `run`, `get`, `all` and `iterate` (timed until the
 * iterator ends or returns) on the Statement class, so prepared statements, `pragma()` and the
 * BEGIN/COMMIT of `db.transaction(fn)` are seen, plus `Database#exec`. Pass the default export,
 * the Database class (`import Database from 'better-sqlite3'`); an instance works too. Knex and
 * drizzle on better-sqlite3 go through the same methods.
 */
export function instrumentBetterSqlite3(betterSqlite3: unknown): void {
  const Database = databaseClassOf(betterSqlite3);
  if (!Database) {
    throw new TypeError('express-debug-toolbar: `instrument.betterSqlite3` must be the better-sqlite3 Database class (import Database from "better-sqlite3")');
  }
  // The Statement class is not exported: reach it from a live statement of a throwaway database.
  const probe = new Database(':memory:');
  let statementPrototype: object | null;
  try {
    statementPrototype = ownerOf(Object.getPrototypeOf(probe.prepare('SELECT 1')), 'run');
  } finally {
    probe.close();
  }
  const dbInfo = dbInfoFactory(Database);
  if (statementPrototype) patchStatement(statementPrototype, dbInfo);
  const databasePrototype = ownerOf(Database.prototype, 'exec');
  if (databasePrototype) {
    // A statement SQLite cannot prepare (syntax, missing table) throws here and never runs: record
    // the failure, since that is the query the application meant to run.
    patchMethod(databasePrototype, 'prepare', (original) =>
      function prepare(this: Database, ...args: unknown[]) {
        try {
          return original.apply(this, args);
        } catch (error) {
          try {
            if (typeof args[0] === 'string') startQuery(args[0], undefined, dbInfo(this), prepare)?.fail(error);
          } catch (hookError) {
            reportHookError(hookError);
          }
          throw error;
        }
      });
    patchMethod(databasePrototype, 'exec', (original) =>
      function exec(this: Database, ...args: unknown[]) {
        let handle: QueryHandle | null = null;
        try {
          if (typeof args[0] === 'string') handle = startQuery(args[0], undefined, dbInfo(this), exec);
        } catch (hookError) {
          reportHookError(hookError);
        }
        return timed(handle, () => original.apply(this, args), () => null);
      });
  }
}
