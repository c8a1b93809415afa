import type { Dialect, OrmCall, QueryLibrary, QueryRecord } from '../../server/types.js';
import type { FixInput } from '../../server/panels/sql/fixes/fix-input.js';
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

const asRecord = (q: Logged, id: number) => ({ id, sql: q.sql, params: q.params }) as unknown as QueryRecord;

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
  const queries = loop.map((q, i) => asRecord(q, i + 2));
  const shapes = queries.map((q) => sqlShape(q.sql));
  const shape = shapes[0];
  if (!shape.table) throw new Error(`no table in ${loop[0].sql}`);
  const varying = varyingFilter(queries, shapes);
  const orm = options.schema?.orm === 'sequelize' || !options.schema ? 'prisma' : options.schema.orm;
  const relation = options.parent && varying
    ? inferRelation({ table: shape.table, filter: varying.filter }, { id: 1, shape: sqlShape(options.parent.sql) }) : null;
  return {
    library: options.library, dialect: options.dialect, sql: loop[0].sql, params: loop[0].params,
    shape: { ...shape, table: shape.table }, filter: varying?.filter ?? null, relation,
    model: modelName(shape.table), sampleValues: varying?.values ?? [],
    schema: options.schema,
    parent: options.parent ? {
      query: { ...asRecord(options.parent, 1), ...(options.parentCall ? { ormCall: { id: 1, orm, ...options.parentCall } } : {}) },
      where: 'routes/articles.ts:12',
    } : null,
    call: options.call ? { id: 2, orm, ...options.call } : null,
  };
}
