import { AsyncResource } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { currentContext, requestContext } from '../../../request/context.js';
import { poolQueryFrames } from '../stack-samples.js';
import { startQuery, type QueryHandle } from '../capture.js';
import { registerExplainTarget } from '../explain/targets.js';
import { mysql2Target, type Mysql2Connect } from '../explain/mysql2-target.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import { watchCommand } from './mysql2-command.js';
import { followKnexStreams } from './knex-streams.js';
import type { DbInfo } from '../../../types.js';

type Callback = (this: unknown, ...args: any[]) => unknown;

/** The parts of mysql2's `ConnectionConfig` the toolbar reads. */
interface ConnectionConfig {
  host?: string;
  port?: number;
  socketPath?: string;
  user?: string;
  database?: string;
  stream?: unknown;
  [setting: string]: unknown;
}

interface CoreModule {
  Connection: { prototype: object };
  Pool: { prototype: object };
  PoolCluster?: new () => { of(pattern?: string): object };
  createConnectionPromise?: Mysql2Connect;
}

const nodeRequire = createRequire(import.meta.url);

/**
 * `mysql2/promise` exports only its wrapper classes, which call the core connection's methods:
 * find the core module of the same copy (next to promise.js) and patch that instead.
 */
function coreModule(given: unknown): CoreModule | null {
  let module = given as Record<string | symbol, any> | null;
  if (module && typeof module === 'object' && module[Symbol.toStringTag] === 'Module' && module.default) {
    module = module.default;
  }
  if (!module || (typeof module !== 'object' && typeof module !== 'function')) return null;
  if (module.Connection?.prototype && module.Pool?.prototype && ownerOf(module.Connection.prototype, 'addCommand')) {
    return module as unknown as CoreModule;
  }
  if (module.PromisePool) {
    for (const entry of Object.values(nodeRequire.cache)) {
      if (entry?.exports === module) return coreModule(createRequire(entry.filename)('./index.js'));
    }
  }
  return null;
}

/** The callback of query/execute(sql | options, values?, cb?): mysql2 takes `values` as the callback when it is one. */
function callbackIndex(args: unknown[]): number {
  if (typeof args[1] === 'function') return 1;
  if (typeof args[2] === 'function') return 2;
  return -1;
}

function isHeader(result: unknown): result is { affectedRows: number } {
  return typeof result === 'object' && result !== null && !Array.isArray(result)
    && typeof (result as { affectedRows?: unknown }).affectedRows === 'number';
}

/** affectedRows for writes, rows.length for reads; a multi-statement answer sums its parts. */
function rowCountOf(rows: unknown, fields?: unknown): number | null {
  if (isHeader(rows)) return rows.affectedRows;
  if (!Array.isArray(rows)) return null;
  const multi = rows.some(isHeader)
    || (Array.isArray(fields) && fields.length > 1 && fields.every((f) => f === undefined || Array.isArray(f)));
  if (!multi) return rows.length;
  return rows.reduce<number>((sum, part) => sum + (rowCountOf(part) ?? 0), 0);
}

function settle(handle: QueryHandle, callback: Callback): Callback {
  return function recordThenCall(this: unknown, ...args: any[]) {
    try {
      if (args[0]) handle.fail(args[0]);
      else handle.succeed(rowCountOf(args[1], args[2]));
    } catch (hookError) {
      reportHookError(hookError);
    }
    return callback.apply(this, args);
  };
}

/**
 * mysql2 calls back from socket events, which carry the context of whoever opened the socket (or
 * released the pooled connection): pin every callback to its caller, in a request or not.
 */
function bindToCaller<T extends Callback>(callback: T): T {
  return AsyncResource.bind(callback) as T;
}

/** SQL as written (before mysql2 substitutes `?` for query()) and the params as given. */
function describe(args: any[]): { sql: unknown; params: unknown } {
  const [first, second] = args;
  if (typeof first === 'string') return { sql: first, params: typeof second === 'function' ? undefined : second };
  if (first && typeof first === 'object') {
    const params = second !== undefined && typeof second !== 'function' ? second : first.values;
    return { sql: first.sql, params };
  }
  return { sql: undefined, params: undefined };
}

function dbInfoFactory(core: CoreModule): (config: ConnectionConfig | undefined) => DbInfo {
  const cache = new WeakMap<object, DbInfo>();
  return (config) => {
    if (!config) return { dialect: 'mysql', driver: 'mysql2' };
    let info = cache.get(config);
    if (!info) {
      info = { dialect: 'mysql', driver: 'mysql2', database: config.database || undefined };
      if (!config.stream && typeof core.createConnectionPromise === 'function') {
        const address = config.socketPath ?? `${config.host ?? 'localhost'}:${config.port ?? 3306}`;
        // Never the password: the key is shown to the UI and logged.
        const key = `mysql2:${config.user ?? ''}@${address}/${config.database ?? ''}`;
        info.explainKey = registerExplainTarget(key, () => mysql2Target(core.createConnectionPromise!, config));
      }
      cache.set(config, info);
    }
    return info;
  };
}

function patchConnection(prototype: object, dbInfo: (config: ConnectionConfig | undefined) => DbInfo): void {
  for (const method of ['query', 'execute'] as const) {
    patchMethod(prototype, method, (original) =>
      function hooked(this: { config?: ConnectionConfig }, ...args: any[]) {
        let handle: QueryHandle | null = null;
        try {
          const { sql, params } = describe(args);
          if (typeof sql === 'string') handle = startQuery(sql, params, dbInfo(this.config), hooked);
        } catch (hookError) {
          reportHookError(hookError);
        }
        const first = args[0];
        // A command object comes from pool.query (already built, its callback inside).
        const command = first && typeof first === 'object' && typeof first.on === 'function' ? first : null;
        let watch = false;
        let emitter = false;
        try {
          if (command && typeof command.onResult === 'function') {
            command.onResult = handle ? settle(handle, bindToCaller(command.onResult)) : bindToCaller(command.onResult);
          } else if (!command) {
            const index = callbackIndex(args);
            if (index >= 0) args[index] = handle ? settle(handle, bindToCaller(args[index])) : bindToCaller(args[index]);
            else emitter = true;
            watch = emitter && handle !== null;
          } else {
            emitter = true;
            watch = handle !== null;
          }
        } catch (hookError) {
          reportHookError(hookError);
        }
        let result: unknown;
        try {
          result = original.apply(this, args);
        } catch (error) {
          handle?.fail(error);
          throw error;
        }
        try {
          // Emitter mode: the command's events come from the socket, in the context of whoever
          // opened it; a listener that runs a query would file it under that request.
          const target: any = command ?? result;
          if (emitter && target && typeof target.emit === 'function') target.emit = AsyncResource.bind(target.emit);
          if (watch && handle) watchCommand(target, handle);
        } catch (hookError) {
          reportHookError(hookError);
        }
        return result;
      });
  }
}

/**
 * `conn.prepare()` hands back a statement whose execute() adds its command directly, past
 * `conn.execute`: patch that class (not exported) from the first statement prepared.
 */
function patchPreparedStatement(statement: object, dbInfo: (config: ConnectionConfig | undefined) => DbInfo): void {
  const prototype = ownerOf(statement, 'execute');
  if (!prototype) return;
  patchMethod(prototype, 'execute', (original) =>
    function execute(this: { query?: unknown; _connection?: { config?: ConnectionConfig } }, ...args: any[]) {
      let handle: QueryHandle | null = null;
      const index = typeof args[0] === 'function' ? 0 : typeof args[1] === 'function' ? 1 : -1;
      try {
        const params = index === 0 ? undefined : args[0];
        if (typeof this.query === 'string') handle = startQuery(this.query, params, dbInfo(this._connection?.config), execute);
        if (index >= 0) args[index] = handle ? settle(handle, bindToCaller(args[index])) : bindToCaller(args[index]);
      } catch (hookError) {
        reportHookError(hookError);
      }
      const result = original.apply(this, args);
      try {
        if (index < 0 && result && typeof result.emit === 'function') result.emit = AsyncResource.bind(result.emit);
        if (handle && index < 0) watchCommand(result, handle);
      } catch (hookError) {
        reportHookError(hookError);
      }
      return result;
    });
}

function patchPrepare(prototype: object, dbInfo: (config: ConnectionConfig | undefined) => DbInfo): void {
  patchMethod(prototype, 'prepare', (original) =>
    function prepare(this: unknown, ...args: any[]) {
      const callback = args[1];
      if (typeof callback === 'function') {
        args[1] = bindToCaller(function prepared(this: unknown, ...result: any[]) {
          try {
            if (!result[0] && result[1] && typeof result[1] === 'object') patchPreparedStatement(result[1], dbInfo);
          } catch (hookError) {
            reportHookError(hookError);
          }
          return callback.apply(this, result);
        });
      }
      return original.apply(this, args);
    });
}

/**
 * pool.query/execute run the real query from a getConnection callback, where the user's frames are
 * gone: capture them here and hand them down through the context (as the pg hook does).
 */
function patchPoolLevel(prototype: object): void {
  for (const method of ['query', 'execute'] as const) {
    patchMethod(prototype, method, (original) =>
      function withCallerFrames(this: unknown, ...args: any[]) {
        const context = currentContext();
        if (!context || context.frames) return original.apply(this, args);
        const index = callbackIndex(args);
        if (index >= 0) args[index] = bindToCaller(args[index]);
        const { sql } = describe(args);
        const frames = poolQueryFrames(context, sql, withCallerFrames);
        // The caller's whole context (its span: the timeline files the query under it), as pg's pool hook does.
        const calledBeforeResponse = !context.request.responded && !context.request.finished;
        return requestContext.run({ ...context, frames, calledBeforeResponse }, () => original.apply(this, args));
      });
  }
}

function patchPool(prototype: object): void {
  // A full pool hands a freed connection to the next waiter from inside release(), in the
  // releaser's context: without the bind the waiter's queries would land in another request.
  patchMethod(prototype, 'getConnection', (original) =>
    function getConnection(this: unknown, ...args: any[]) {
      if (typeof args[0] === 'function') args[0] = bindToCaller(args[0]);
      return original.apply(this, args);
    });
  patchPoolLevel(prototype);
}

/**
 * Records every query of `mysql2`: `query` and `execute` on connections, pools, pool connections
 * and pool clusters, callback and promise forms, and `execute` on statements from `prepare()`. Pass the core module (`import mysql from
 * 'mysql2'`): it covers `mysql2/promise` too, whose classes wrap the core ones; passing
 * `mysql2/promise` itself works as well. ORMs on mysql2 (knex, sequelize) go through the same
 * methods.
 *
 * Prototype patches, not mysql2's TracingChannels (3.20+): the channels report query() with its
 * values already substituted and exist only in recent versions, while the patches see the SQL as
 * written with its params, on every 3.x, with the caller's frames on the stack.
 */
export function instrumentMysql2(mysql2: unknown): void {
  const core = coreModule(mysql2);
  const connectionPrototype = core ? ownerOf(core.Connection.prototype, 'query') : null;
  if (!core || !connectionPrototype) {
    throw new TypeError('express-debug-toolbar: `instrument.mysql2` must be the mysql2 module (import mysql from "mysql2")');
  }
  const dbInfo = dbInfoFactory(core);
  patchConnection(connectionPrototype, dbInfo);
  followKnexStreams();
  patchPrepare(connectionPrototype, dbInfo);
  const poolPrototype = ownerOf(core.Pool.prototype, 'getConnection');
  if (poolPrototype) patchPool(poolPrototype);
  if (typeof core.PoolCluster === 'function') {
    // PoolNamespace (what cluster.of() returns) is not exported: reach it from a live, empty cluster.
    const namespace = new core.PoolCluster().of('*');
    const namespacePrototype = ownerOf(namespace, 'query');
    if (namespacePrototype) patchPoolLevel(namespacePrototype);
  }
}
