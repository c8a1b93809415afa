import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { resolve } from 'node:path';
import { currentContext, requestContext } from '../../../request/context.js';
import { captureFrames, isUserFrame } from '../../../stack/callsite.js';
import { startQuery, type QueryHandle } from '../capture.js';
import { registerExplainTarget, type ExplainTarget, type Rows } from '../explain/targets.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import type { DbInfo, RawFrame } from '../../../types.js';

type Callback = (this: any, ...args: any[]) => unknown;
type RowCounter = (self: any, args: any[]) => number | null;

interface Sqlite3Database {
  filename: string;
  all(sql: string, params: unknown[], callback: (error: Error | null, rows: Rows) => void): unknown;
  close(callback: (error: Error | null) => void): void;
}

interface Sqlite3Module {
  Database: (new (file: string, mode: number, callback: (error: Error | null) => void) => Sqlite3Database) & { prototype: object };
  Statement: { prototype: object };
  OPEN_READONLY: number;
}

/**
 * Database#run/get/all/each/map build a Statement and call the same method on it: while one of
 * them runs (synchronously), the Statement hook knows the database and whether the outer call
 * already records the query.
 */
let enclosing: { db: Sqlite3Database; recorded: boolean } | null = null;
const statementDb = new WeakMap<object, Sqlite3Database>();
const boundParams = new WeakMap<object, unknown[]>();
/** Queries queued on a statement that SQLite may fail to prepare: the queued calls are then dropped silently. */
const pending = new WeakMap<object, Set<QueryHandle>>();

/**
 * Frames of the code that called `Database#serialize(cb)`. Sequelize runs every query in an async
 * serialize callback and issues the SELECT after an await nobody awaits (its column-type PRAGMAs
 * first), so by then no user frame is left on the stack: those queries use these frames instead.
 */
const serializeCaller = new AsyncLocalStorage<RawFrame[]>();

function framesFor(hook: (...args: any[]) => unknown): RawFrame[] | undefined {
  const fallback = serializeCaller.getStore();
  if (!fallback || !currentContext()) return undefined;
  const frames = captureFrames(hook);
  return frames.some(isUserFrame) ? frames : fallback;
}

const ROW_COUNTERS: Record<string, RowCounter> = {
  run: (self) => (typeof self?.changes === 'number' ? self.changes : null),
  get: (_self, args) => (args[1] === undefined ? 0 : 1),
  all: (_self, args) => (Array.isArray(args[1]) ? args[1].length : null),
  map: (_self, args) => (args[1] && typeof args[1] === 'object' ? Object.keys(args[1]).length : null),
  each: (_self, args) => (typeof args[1] === 'number' ? args[1] : null),
  exec: () => null,
};

function bindToCaller<T extends Callback>(callback: T): T {
  return AsyncResource.bind(callback) as T;
}

function settle(handle: QueryHandle, callback: Callback | null, count: RowCounter, statement?: object): Callback {
  return function recordThenCall(this: any, ...args: any[]) {
    try {
      if (args[0]) handle.fail(args[0]);
      else handle.succeed(count(this, args));
      if (statement) pending.get(statement)?.delete(handle);
    } catch (hookError) {
      reportHookError(hookError);
    }
    // No callback of the application's: do what the driver does without one.
    if (!callback) return args[0] ? this?.emit?.('error', args[0]) : undefined;
    return callback.apply(this, args);
  };
}

/**
 * Replaces the callbacks in `args` (the last function; for each(), the row callback and the
 * completion) by recording ones pinned to the caller's context. When the application gave none,
 * adds one that emits 'error' on the driver's object, as the driver itself would.
 */
function instrumentCallbacks(method: string, args: any[], handle: QueryHandle, statement?: object): void {
  const count = ROW_COUNTERS[method];
  const last = args.length - 1;
  if (method !== 'each') {
    if (typeof args[last] === 'function') args[last] = settle(handle, bindToCaller(args[last]), count, statement);
    else args.push(settle(handle, null, count, statement));
    return;
  }
  const hasCompletion = last >= 1 && typeof args[last] === 'function' && typeof args[last - 1] === 'function';
  const rowIndex = hasCompletion ? last - 1 : typeof args[last] === 'function' ? last : -1;
  const onRow: Callback | null = rowIndex >= 0 ? bindToCaller(args[rowIndex]) : null;
  let rows = 0;
  const recordRow = function recordRow(this: any, ...rowArgs: any[]) {
    if (rowArgs[0]) handle.fail(rowArgs[0]);
    else rows += 1;
    if (!onRow) return rowArgs[0] ? this?.emit?.('error', rowArgs[0]) : undefined;
    return onRow.apply(this, rowArgs);
  };
  const onComplete: Callback | null = hasCompletion ? bindToCaller(args[last]) : null;
  const recordCompletion = function recordCompletion(this: any, ...doneArgs: any[]) {
    if (doneArgs[0]) handle.fail(doneArgs[0]);
    else handle.succeed(typeof doneArgs[1] === 'number' ? doneArgs[1] : rows);
    if (statement) pending.get(statement)?.delete(handle);
    if (onComplete) return onComplete.apply(this, doneArgs);
    // Added by us: Database#each reports a failed prepare to the last function, which was the
    // application's row callback before we appended this one.
    if (doneArgs[0] && onRow) return onRow(doneArgs[0]);
    return undefined;
  };
  if (rowIndex >= 0) args[rowIndex] = recordRow;
  else args.push(recordRow);
  if (hasCompletion) args[last] = recordCompletion;
  else args.push(recordCompletion);
}

function paramsOf(args: unknown[]): unknown[] | undefined {
  const values = args.filter((arg) => typeof arg !== 'function');
  if (values.length === 0) return undefined;
  if (values.length === 1 && values[0] !== null && typeof values[0] === 'object' && !Buffer.isBuffer(values[0])) {
    return values[0] as unknown[];
  }
  return values;
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

function dbInfoFactory(sqlite3: Sqlite3Module): (db: Sqlite3Database | undefined) => DbInfo {
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

function patchDatabase(prototype: object, dbInfo: (db: Sqlite3Database | undefined) => DbInfo): void {
  for (const method of ['run', 'get', 'all', 'each', 'map']) {
    patchMethod(prototype, method, (original) =>
      function hooked(this: Sqlite3Database, ...args: any[]) {
        let handle: QueryHandle | null = null;
        // Without a callback the Database method has no way to report: the Statement hook records
        // it, with the callback it adds there.
        const hasCallback = args.slice(1).some((arg) => typeof arg === 'function');
        try {
          if (hasCallback && typeof args[0] === 'string') {
            handle = startQuery(args[0], paramsOf(args.slice(1)), dbInfo(this), hooked, framesFor(hooked));
            if (handle) instrumentCallbacks(method, args, handle);
            else for (const [index, arg] of args.entries()) if (typeof arg === 'function') args[index] = bindToCaller(arg);
          }
        } catch (hookError) {
          reportHookError(hookError);
        }
        const outer = enclosing;
        // Recorded (or counted) here: the Statement hook must not count it a second time.
        enclosing = { db: this, recorded: hasCallback };
        try {
          return original.apply(this, args);
        } catch (error) {
          handle?.fail(error);
          throw error;
        } finally {
          enclosing = outer;
        }
      });
  }
  patchMethod(prototype, 'exec', (original) =>
    function exec(this: Sqlite3Database, ...args: any[]) {
      try {
        const handle = typeof args[0] === 'string' ? startQuery(args[0], undefined, dbInfo(this), exec, framesFor(exec)) : null;
        if (handle) instrumentCallbacks('exec', args, handle);
        else if (typeof args[args.length - 1] === 'function') args[args.length - 1] = bindToCaller(args[args.length - 1]);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return original.apply(this, args);
    });
  patchMethod(prototype, 'serialize', (original) =>
    function serialize(this: unknown, ...args: any[]) {
      const callback = args[0];
      if (typeof callback !== 'function' || !currentContext()) return original.apply(this, args);
      try {
        const frames = captureFrames(serialize);
        args[0] = function serialized(this: unknown, ...callbackArgs: unknown[]) {
          return serializeCaller.run(frames, () => callback.apply(this, callbackArgs));
        };
      } catch (hookError) {
        reportHookError(hookError);
      }
      return original.apply(this, args);
    });
  patchMethod(prototype, 'prepare', (original) =>
    function prepare(this: Sqlite3Database, ...args: any[]) {
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = bindToCaller(args[last]);
        // Where the application prepared the statement, in case SQLite refuses it: the callback
        // runs from SQLite's thread pool, with none of the user's frames on the stack.
        const frames = typeof args[0] === 'string' && currentContext() ? captureFrames(prepare) : undefined;
        // Called back asynchronously, once `statement` below is set.
        args[last] = function prepared(this: unknown, ...result: any[]) {
          if (result[0] && statement) {
            try {
              // A statement SQLite cannot prepare never runs: record the refusal as the query the
              // application meant to run, unless calls queued on it record it already.
              if (!pending.get(statement)?.size && frames) startQuery(args[0], undefined, dbInfo(statementDb.get(statement)), prepare, frames)?.fail(result[0]);
              failPending(statement, result[0]);
            } catch (hookError) {
              reportHookError(hookError);
            }
          }
          return callback.apply(this, result);
        };
      }
      const statement: object | undefined = original.apply(this, args);
      if (statement) statementDb.set(statement, this);
      return statement;
    });
}

function failPending(statement: object, error: unknown): void {
  const handles = pending.get(statement);
  if (!handles) return;
  for (const handle of handles) handle.fail(error);
  handles.clear();
}

function patchStatement(prototype: object, dbInfo: (db: Sqlite3Database | undefined) => DbInfo): void {
  for (const method of ['run', 'get', 'all', 'each']) {
    patchMethod(prototype, method, (original) =>
      function hooked(this: { sql?: string }, ...args: any[]) {
        if (enclosing?.recorded) return original.apply(this, args);
        try {
          const db = enclosing?.db ?? statementDb.get(this);
          const params = paramsOf(args) ?? boundParams.get(this);
          const handle = typeof this.sql === 'string' ? startQuery(this.sql, params, dbInfo(db), hooked, framesFor(hooked)) : null;
          if (handle) {
            instrumentCallbacks(method, args, handle, this);
            let handles = pending.get(this);
            if (!handles) pending.set(this, (handles = new Set()));
            handles.add(handle);
          } else {
            for (const [index, arg] of args.entries()) if (typeof arg === 'function') args[index] = bindToCaller(arg);
          }
        } catch (hookError) {
          reportHookError(hookError);
        }
        return original.apply(this, args);
      });
  }
  patchMethod(prototype, 'bind', (original) =>
    function bind(this: object, ...args: any[]) {
      try {
        const params = paramsOf(args);
        if (params) boundParams.set(this, params);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return original.apply(this, args);
    });
  // A statement SQLite cannot prepare, with no callback to tell, reports through an 'error' event
  // and drops the calls queued on it: close their records there.
  patchMethod(prototype, 'emit', (original) =>
    function emit(this: object, event: string | symbol, ...args: any[]) {
      if (event === 'error') {
        try {
          failPending(this, args[0]);
        } catch (hookError) {
          reportHookError(hookError);
        }
      }
      return original.call(this, event, ...args);
    });
}

function moduleOf(given: unknown): Sqlite3Module | null {
  let module = given as any;
  if (module && typeof module.Database !== 'function' && module.default) module = module.default;
  if (!module || typeof module.Database !== 'function' || typeof module.Statement !== 'function') return null;
  return module as Sqlite3Module;
}

/**
 * Records every query of `sqlite3` (node-sqlite3): `Database#run/get/all/each/map/exec` and the
 * `Statement#run/get/all/each` of prepared statements, with their params (given or bound). Every
 * callback is pinned to the caller's request: rows and results come back from SQLite's thread
 * pool. Pass the module (`import sqlite3 from 'sqlite3'`). Knex and sequelize on sqlite3 go
 * through the same methods.
 */
export function instrumentSqlite3(sqlite3: unknown): void {
  const module = moduleOf(sqlite3);
  const databasePrototype = module ? ownerOf(module.Database.prototype, 'all') : null;
  const statementPrototype = module ? ownerOf(module.Statement.prototype, 'all') : null;
  if (!module || !databasePrototype || !statementPrototype) {
    throw new TypeError('express-debug-toolbar: `instrument.sqlite3` must be the sqlite3 module (import sqlite3 from "sqlite3")');
  }
  const dbInfo = dbInfoFactory(module);
  patchDatabase(databasePrototype, dbInfo);
  patchStatement(statementPrototype, dbInfo);
}
