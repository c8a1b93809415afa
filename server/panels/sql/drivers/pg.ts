import { contextOrBackground, currentContext, requestContext } from '../../../request/context.js';
import { startQuery, type QueryHandle } from '../capture.js';
import { poolQueryFrames } from '../stack-samples.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import { observeSettled } from '../../../instrument/settled.js';
import { pgDbInfo } from '../explain/pg-target.js';
import { emitInCallerContext, submittableQuery, watchSubmittable } from './pg-submittable.js';
import { followKnexStreams } from './knex-streams.js';

type Callback = (error: unknown, result?: unknown) => void;

interface PgModule {
  Client: { prototype: object };
  Pool?: { prototype: object };
}

function rowCountOf(result: unknown): number | null {
  if (Array.isArray(result)) {
    // A multi-statement text query answers one result per statement.
    return result.reduce<number>((sum, one) => sum + (rowCountOf(one) ?? 0), 0);
  }
  const count = (result as { rowCount?: unknown } | null)?.rowCount;
  return typeof count === 'number' ? count : null;
}

function settle(handle: QueryHandle, callback: Callback): Callback {
  return function recordThenCall(this: unknown, error, result) {
    try {
      if (error) handle.fail(error);
      else handle.succeed(rowCountOf(result));
    } catch (hookError) {
      reportHookError(hookError);
    }
    return callback.call(this, error, result);
  };
}

/**
 * Pins a callback to its caller's request context: pg runs callbacks in whatever context the
 * socket (or, with a full pool, the releasing request) had. Outside a request too, or a background
 * job's queries would be filed under the request that freed its client. Only the toolbar's own
 * context is pinned (an AsyncResource per callback cost more than the rest of the hook): the app's
 * other async contexts behave as they do without the toolbar.
 */
function bindToCaller<T extends (...args: any[]) => any>(callback: T): T {
  const context = currentContext();
  return function boundToCaller(this: unknown, ...args: unknown[]) {
    return context ? requestContext.run(context, () => callback.apply(this, args)) : requestContext.exit(() => callback.apply(this, args));
  } as T;
}

function patchClientQuery(clientPrototype: object): void {
  patchMethod(clientPrototype, 'query', (original) =>
    function query(this: object, config: any, values?: any, callback?: any) {
      let handle: QueryHandle | null = null;
      try {
        if (config != null) {
          const submittable = typeof config.submit === 'function';
          if (submittable) {
            const { text, values: params } = submittableQuery(config);
            // A knex stream loaded after the toolbar: its next streams will carry the user's line.
            if (!currentContext()?.frames) followKnexStreams();
            if (typeof text === 'string') handle = startQuery(text, params, pgDbInfo(this), query);
          } else {
            const text = typeof config === 'string' ? config : config.text;
            const params = typeof config === 'object' && config.values !== undefined ? config.values : typeof values === 'function' ? undefined : values;
            handle = typeof text === 'string' ? startQuery(text, params, pgDbInfo(this), query) : null;
          }
        }
      } catch (hookError) {
        reportHookError(hookError);
      }
      if (config != null && typeof config.submit === 'function') {
        try {
          emitInCallerContext(config);
          if (handle) watchSubmittable(config, handle);
        } catch (hookError) {
          reportHookError(hookError);
        }
      }
      if (!handle) return original.call(this, config, values, callback);

      if (typeof config.submit === 'function') {
        if (typeof values === 'function') values = bindToCaller(values);
        if (typeof callback === 'function') callback = bindToCaller(callback);
        return original.call(this, config, values, callback);
      }
      if (typeof values === 'function') return original.call(this, config, settle(handle, bindToCaller(values)), callback);
      if (typeof callback === 'function') return original.call(this, config, values, settle(handle, bindToCaller(callback)));
      if (typeof config === 'object' && typeof config.callback === 'function') {
        return original.call(this, { ...config, callback: settle(handle, bindToCaller(config.callback)) }, values, callback);
      }
      const result = original.call(this, config, values, callback);
      const started = handle;
      if (!result || typeof result.then !== 'function') return result;
      return observeSettled(result, (error, value) => (error ? started.fail(error) : started.succeed(rowCountOf(value))));
    });
}

function patchPool(poolPrototype: object): void {
  // A full pool hands a freed client to the next waiter from inside release(): without the bind,
  // the waiter's queries would be filed under the request that released the client.
  patchMethod(poolPrototype, 'connect', (original) =>
    function connect(this: unknown, callback?: Callback) {
      return original.call(this, typeof callback === 'function' ? bindToCaller(callback) : callback);
    });
  // pool.query runs the real query from a connect callback, where the user's frames are gone:
  // capture them here and hand them down through the context.
  patchMethod(poolPrototype, 'query', (original) =>
    function query(this: unknown, ...args: any[]) {
      const context = currentContext();
      if (!context) {
        // Outside any request (a timer): the background stream groups by this call's line.
        const background = contextOrBackground(query);
        return background ? requestContext.run(background, () => original.apply(this, args)) : original.apply(this, args);
      }
      if (context.frames) return original.apply(this, args);
      const last = args.length - 1;
      if (typeof args[last] === 'function') args[last] = bindToCaller(args[last]);
      const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
      const frames = poolQueryFrames(context, text, query);
      const calledBeforeResponse = !context.request.responded && !context.request.finished;
      return requestContext.run({ ...context, frames, calledBeforeResponse }, () => original.apply(this, args));
    });
}

/**
 * Records every query of the `pg` module: `Client#query` in all its call shapes (text, config,
 * callback, promise, submittables such as Cursor and QueryStream) and `Pool#query`/`connect`.
 * Pools and ORMs built on pg (knex, sequelize, drizzle, typeorm) go through the same methods.
 */
export function instrumentPg(pg: unknown): void {
  const module = pg as PgModule;
  const clientPrototype = module?.Client?.prototype ? ownerOf(module.Client.prototype, 'query') : null;
  if (!clientPrototype) {
    throw new TypeError('express-debug-toolbar: `instrument.pg` must be the pg module (import pg from "pg")');
  }
  patchClientQuery(clientPrototype);
  followKnexStreams();
  const poolPrototype = module.Pool?.prototype ? ownerOf(module.Pool.prototype, 'connect') : null;
  if (poolPrototype) patchPool(poolPrototype);
}
