import type { Dialect, OrmCall, QueryLibrary, QueryRecord } from '../../server/types.js';
import type { FixInput, ParentQuery } from '../../server/panels/sql/fixes/fix-input.js';
import { inferRelation } from '../../server/panels/sql/fixes/fix-input.js';
import { varyingFilter } from '../../server/panels/sql/fixes/index.js';
import { modelName } from '../../server/panels/sql/fixes/naming.js';
import { sqlShape } from '../../server/panels/sql/sql-shape.js';
import type { OrmSchema } from '../../server/panels/sql/orm/schema.js';

/** A statement as an ORM's own logger reported it. */
export interface Logged {
  sql: string;
  params: unknown[];
}

const asRecord = (q: Logged, id: number, dialect: Dialect) => ({ id, sql: q.sql, params: q.params, db: { dialect, driver: 'test' } }) as unknown as QueryRecord;

/**
 * The input a dispatcher gives a fix wording for the repeated queries `loop`, built the way
 * server/panels/sql/fixes/index.ts builds it (shape, varying comparison, the legacy relation to
 * the parent query), plus what the ORM object adds: the schema and the ORM calls of the parent
 * and the loop. Tests call the wordings with it directly, with real SQL from real ORMs.
 */
export function fixInputFor(loop: readonly Logged[], options: {
  library: QueryLibrary;
  dialect: Dialect;
  schema: OrmSchema | null;
  parent?: Logged;
  /** What the ORM call hooks record; `orm` defaults to the schema's. */
  parentCall?: Omit<OrmCall, 'id' | 'orm'>;
  call?: Omit<OrmCall, 'id' | 'orm'>;
}): FixInput {
  const queries = loop.map((q, i) => asRecord(q, i + 2, options.dialect));
  const shapes = queries.map((q) => sqlShape(q.sql, options.dialect));
  const shape = shapes[0];
  if (!shape.table) throw new Error(`no table in ${loop[0].sql}`);
  const varying = varyingFilter(queries, shapes);
  const orm = options.schema?.orm === 'sequelize' || !options.schema ? 'prisma' : options.schema.orm;
  const relation = options.parent && varying
    ? inferRelation({ table: shape.table, filter: varying.filter }, { id: 1, shape: sqlShape(options.parent.sql, options.dialect) }) : null;
  const parent = options.parent
    ? parentQuery({ ...asRecord(options.parent, 1, options.dialect), ...(options.parentCall ? { ormCall: { id: 1, orm, ...options.parentCall } } : {}) }, 'routes/articles.ts:12')
    : null;
  const values = varying?.values ?? [];
  return {
    library: options.library, dialect: options.dialect, sql: loop[0].sql, params: loop[0].params,
    shape: { ...shape, table: shape.table }, filter: varying?.filter ?? null, filterTable: null, relation,
    model: modelName(shape.table), sampleValues: values, values,
    schema: options.schema, ormNames: options.schema ? [options.schema.orm] : [], childModel: null,
    parent, link: null, joined: null, unbatchable: null, ambiguous: [], stack: [], where: null,
    call: options.call ? { id: 2, orm, ...options.call } : null,
  };
}

/**
 * The parent query as the dispatcher hands it to a wording (fixes/analysis.ts), with only what the
 * record says: its SQL's shape and `file:line`. The ORM call that ran it rides on `query.ormCall`.
 *
 * @example
 * parentQuery({ id: 1, sql: 'SELECT * FROM "articles"', params: [], ormCall } as QueryRecord, 'app.ts:3')
 */
export function parentQuery(query: QueryRecord, where: string | null): ParentQuery {
  const shape = sqlShape(query.sql, query.db?.dialect ?? 'postgres');
  // A parent whose SQL names no table (`SELECT 1`) keeps an empty one: the wordings then go by its ORM call.
  return { query, shape: { ...shape, table: shape.table ?? '' }, where, call: null, receiver: null, rows: false, model: null };
}
