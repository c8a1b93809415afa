import { startQuery, type QueryHandle } from '../capture.js';
import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import { pgliteDbInfo } from '../explain/pglite-target.js';

function rowCountOf(result: unknown): number | null {
  if (Array.isArray(result)) return result.reduce<number>((sum, one) => sum + (rowCountOf(one) ?? 0), 0);
  const { rowCount, affectedRows, rows } = (result ?? {}) as { rowCount?: number; affectedRows?: number; rows?: unknown[] };
  if (typeof affectedRows === 'number' && affectedRows > 0) return affectedRows;
  if (typeof rowCount === 'number') return rowCount;
  return Array.isArray(rows) ? rows.length : null;
}

/** `db` is the PGlite instance: its DbInfo (with the explain key) is computed once per instance. */
function begin(db: object, sql: unknown, params: unknown, hook: (...args: any[]) => unknown): QueryHandle | null {
  try {
    return typeof sql === 'string' ? startQuery(sql, params, pgliteDbInfo(db), hook) : null;
  } catch (hookError) {
    reportHookError(hookError);
    return null;
  }
}

async function timed<T>(handle: QueryHandle | null, run: () => Promise<T>): Promise<T> {
  if (!handle) return run();
  try {
    const result = await run();
    handle.succeed(rowCountOf(result));
    return result;
  } catch (error) {
    handle.fail(error);
    throw error;
  }
}

/**
 * The transaction object runs its queries through PGlite's private methods, which no prototype
 * patch reaches: hand the callback a stand-in whose query/sql/exec record, then delegate.
 */
function recordingTransaction(tx: any, db: object): any {
  const recording = Object.create(tx);
  recording.query = function query(sql: string, params?: unknown[], options?: unknown) {
    return timed(begin(db, sql, params, query), () => tx.query(sql, params, options));
  };
  recording.exec = function exec(sql: string, options?: unknown) {
    return timed(begin(db, sql, undefined, exec), () => tx.exec(sql, options));
  };
  recording.sql = function sql(strings: TemplateStringsArray, ...values: unknown[]) {
    const text = strings.reduce((acc, part, i) => `${acc}$${i}${part}`);
    return timed(begin(db, text, values, sql), () => tx.sql(strings, ...values));
  };
  return recording;
}

function resolvePrototype(pglite: unknown): object | null {
  if (!pglite) return null;
  const candidate = (pglite as { PGlite?: unknown }).PGlite ?? pglite;
  const start = typeof candidate === 'function' ? (candidate as { prototype: object }).prototype : (candidate as object);
  return typeof start === 'object' ? ownerOf(start, 'query') : null;
}

/**
 * Records PGlite queries: `query`, `exec`, the `sql` tag (which calls `query`) and the queries of
 * `transaction(cb)`. Accepts the module, the PGlite class or an instance (ESM and CommonJS builds of
 * PGlite have distinct classes: pass the one the app uses).
 */
export function instrumentPglite(pglite: unknown): void {
  const prototype = resolvePrototype(pglite);
  if (!prototype) {
    throw new TypeError('express-debug-toolbar: `instrument.pglite` must be the PGlite class, an instance, or the module');
  }
  patchMethod(prototype, 'query', (original) =>
    function query(this: object, sql: string, params?: unknown[], options?: unknown) {
      const handle = begin(this, sql, params, query);
      return timed(handle, () => original.call(this, sql, params, options));
    });
  patchMethod(prototype, 'exec', (original) =>
    function exec(this: object, sql: string, options?: unknown) {
      const handle = begin(this, sql, undefined, exec);
      return timed(handle, () => original.call(this, sql, options));
    });
  patchMethod(prototype, 'transaction', (original) =>
    function transaction(this: object, callback: (tx: unknown) => unknown) {
      if (typeof callback !== 'function') return original.call(this, callback);
      return original.call(this, (tx: unknown) => callback(recordingTransaction(tx, this)));
    });
}
