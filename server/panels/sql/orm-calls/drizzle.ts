import { captureFramesOnAwait } from '../../../stack/await-frames.js';
import { ownerOf, reportHookError } from '../../../instrument/patch.js';
import { setKeys, type OrmCallInfo } from './call.js';

/*
 * drizzle-orm's queries are thenables: the SQL starts from `then`, which `await` calls on a
 * microtask of its own, with none of the user's frames left. server/stack/await-frames.ts captures them
 * where `then` is read (on the user's line); without the db it learns the builders after a first
 * query went without a call site, with the db it patches them up front. The db also says which
 * call each builder is: `db.query.articles.findMany({ with: { author: true } })` loads author,
 * `db.select().from(articles)` reads articles.
 */

const NAME = Symbol.for('drizzle:Name');
/**
 * The frame that tells the read path drizzle issued the query (fixes/library.ts reads package
 * folders): the real file of the builder is not reachable from the db, and only its package matters.
 */
const DRIZZLE_FRAME_FILE = '/node_modules/drizzle-orm/query-promise.js';
/** Each table object of an instrumented db's schema, and the name the schema module gives it. */
const tableNames = new WeakMap<object, string>();

interface Builder {
  tableConfig?: { tsName?: string };
  mode?: string;
  config?: { with?: unknown; table?: object };
  constructor?: { name?: string };
}

function describe(value: unknown): OrmCallInfo | null {
  const builder = value as Builder;
  if (builder.tableConfig?.tsName) {
    const loads = setKeys(builder.config?.with);
    return {
      orm: 'drizzle', model: builder.tableConfig.tsName, method: builder.mode === 'first' ? 'findFirst' : 'findMany',
      ...(loads.length > 0 ? { loads } : {}),
    };
  }
  const table = builder.config?.table;
  const model = table ? tableNames.get(table) : undefined;
  const kind = /Insert|Update|Delete|Select/.exec(builder.constructor?.name ?? '')?.[0]?.toLowerCase();
  return { orm: 'drizzle', ...(model ? { model } : {}), ...(kind ? { method: kind } : {}) };
}

function isTable(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[NAME] === 'string';
}

/**
 * Captures the user's call site at `await` of every query builder of a drizzle db (select,
 * relational queries, insert/update/delete) and the call it is, before its first query. Needs
 * a db made with its schema to reach the builders; without one the toolbar learns them from the
 * first query (server/stack/await-frames.ts). Throws a TypeError when `db` is not a drizzle db.
 *
 * @example
 * instrumentDrizzleCalls(db); // instrument: { pg, drizzle: db }
 */
export function instrumentDrizzleCalls(db: unknown): void {
  const database = db as { _?: { fullSchema?: Record<string, unknown>; schema?: Record<string, { tsName: string }> }; select?: unknown; query?: Record<string, { findMany?: () => object }> } | null;
  if (!database || typeof database !== 'object' || typeof database.select !== 'function' || !database._) {
    throw new TypeError('express-debug-toolbar: `instrument.drizzle` must be a drizzle db (drizzle(pool, { schema }))');
  }
  try {
    const entries = Object.entries(database._.fullSchema ?? {}).filter(([, value]) => isTable(value)) as Array<[string, object]>;
    for (const [name, table] of entries) tableNames.set(table, name);
    const builders: object[] = [];
    const relational = Object.values(database.query ?? {})[0];
    if (relational?.findMany) builders.push(relational.findMany());
    if (entries.length > 0) builders.push((database.select as () => { from: (t: object) => object })().from(entries[0][1]));
    for (const builder of builders) {
      const owner = ownerOf(Object.getPrototypeOf(builder), 'then');
      if (owner) captureFramesOnAwait(owner, DRIZZLE_FRAME_FILE, describe);
    }
  } catch (error) {
    reportHookError(error);
  }
}
