import { AsyncLocalStorage } from 'node:async_hooks';
import { currentContext } from '../../../request/context.js';
import { captureFrames, isUserFrame } from '../../../stack/callsite.js';
import { startQuery, type QueryHandle } from '../capture.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import type { DbInfo, RawFrame } from '../../../types.js';
import { addPending, bindToCaller, failPending, hasPending, instrumentCallbacks, paramsOf } from './sqlite3-callbacks.js';
import { dbInfoFactory, type Sqlite3Database, type Sqlite3Module } from './sqlite3-db-info.js';

/**
 * Database#run/get/all/each/map build a Statement and call the same method on it: while one of
 * them runs (synchronously), the Statement hook knows the database and whether the outer call
 * already records the query.
 */
let enclosing: { db: Sqlite3Database; recorded: boolean } | null = null;
const statementDb = new WeakMap<object, Sqlite3Database>();
const boundParams = new WeakMap<object, unknown[]>();

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
              if (!hasPending(statement) && frames) startQuery(args[0], undefined, dbInfo(statementDb.get(statement)), prepare, frames)?.fail(result[0]);
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
            addPending(this, handle);
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
