import type { QueryLibrary, QueryRecord, RawFrame, Suggestion } from '../../../types.js';
import { sqlShape, type SqlFilter, type SqlShape } from '../sql-shape.js';
import { detectLibrary } from './library.js';
import { inferRelation, type FixInput } from './fix-input.js';
import { modelName } from './naming.js';
import { rawSqlFix } from './raw-sql.js';
import { knexFix } from './knex.js';
import { sequelizeFix } from './sequelize.js';
import { drizzleFix } from './drizzle.js';
import { typeormFix } from './typeorm.js';
import { prismaFix } from './prisma.js';
import { bulkInsertFix } from './bulk-insert.js';
import type { OrmSchema } from '../orm/schema.js';

export { detectLibrary } from './library.js';

type Wording = (input: FixInput) => Omit<Suggestion, 'reason'> | null;

/** One wording per library; the raw drivers share theirs, parameterised by dialect. */
const WORDINGS: Record<QueryLibrary, Wording> = {
  knex: knexFix,
  sequelize: sequelizeFix,
  'drizzle-orm': drizzleFix,
  typeorm: typeormFix,
  prisma: prismaFix,
  pg: rawSqlFix,
  pglite: rawSqlFix,
  mysql2: rawSqlFix,
  'better-sqlite3': rawSqlFix,
  sqlite3: rawSqlFix,
};

/** What the dispatcher needs to know about one N+1 group. */
export interface NPlusOneFixRequest {
  /** The repeated queries, in order. */
  queries: readonly QueryRecord[];
  /** Frames of the first of them, as captured: they name the library. */
  frames: readonly RawFrame[];
  /** The query that fetched the list the loop went over, when one was found. */
  parent: QueryRecord | null;
  totalMs: number;
  /** `file:line` of the call site, relative to the project when possible. */
  where: string | null;
  /** The same for the parent query. */
  parentWhere?: string | null;
  /** The schema of the ORM that issued the queries, when the app passed its object in `instrument`. */
  schema?: OrmSchema | null;
}

function literalValue(text: string): unknown {
  if (/^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(text)) return Number(text);
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/** The comparison whose value changes from run to run, and the values it took. */
export function varyingFilter(queries: readonly QueryRecord[], shapes: readonly SqlShape[]): { filter: SqlFilter; values: unknown[] } | null {
  const first = shapes[0];
  const valueOf = (filter: SqlFilter, k: number, i: number): unknown => {
    if (filter.paramIndex !== null) return queries[i].params[filter.paramIndex];
    const own = shapes[i].filters[k];
    return own ? literalValue(own.valueSql) : undefined;
  };
  for (const [k, filter] of first.filters.entries()) {
    const values = queries.map((_q, i) => valueOf(filter, k, i));
    const distinct = new Map(values.map((v) => [JSON.stringify(v), v]));
    if (distinct.size > 1) return { filter, values: [...distinct.values()] };
  }
  if (first.filters.length === 1) return { filter: first.filters[0], values: [valueOf(first.filters[0], 0, 0)] };
  return null;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function reasonFor(request: NPlusOneFixRequest, input: FixInput | null): string {
  const count = request.queries.length;
  const saved = request.totalMs * ((count - 1) / count);
  const from = request.where ? ` from ${request.where}` : '';
  const parent = request.parent && input?.relation
    ? ` The loop goes over the ${request.parent.rowCount} rows query #${request.parent.id} read from ${input.relation.parentTable}.`
    : '';
  return `${count} queries of one shape ran${from}, one per row; one query instead saves ${count - 1} round trips `
    + `(${ms(saved)} of the ${ms(request.totalMs)} they took).${parent}`;
}

/**
 * The fix for an N+1 group, in the words of the library that issued it (read from the stack),
 * with the user's table and column names taken from the SQL. Null when the SQL is beyond what
 * {@link sqlShape} reads.
 *
 * @example
 * suggestNPlusOneFix({ queries, frames, parent, totalMs: 12, where: 'routes/posts.ts:14' })
 * // { title: "Load the authors with one .whereIn('id', …)", code: "const authors = await knex('authors')…", orm: 'knex', reason: '…' }
 */
export function suggestNPlusOneFix(request: NPlusOneFixRequest): Suggestion | null {
  const first = request.queries[0];
  if (!first) return null;
  const library = detectLibrary(request.frames, first.db);
  const shapes = request.queries.map((q) => sqlShape(q.sql));
  const shape = shapes[0];
  if (!shape.table) return null;
  const varying = varyingFilter(request.queries, shapes);
  const parentShape = request.parent ? sqlShape(request.parent.sql) : null;
  const relation = request.parent && parentShape && varying
    ? inferRelation({ table: shape.table, filter: varying.filter }, { id: request.parent.id, shape: parentShape }) : null;
  const input: FixInput = {
    library, dialect: first.db.dialect, sql: first.sql, params: first.params, shape: { ...shape, table: shape.table },
    filter: varying?.filter ?? null, relation,
    model: shape.alias && /^[A-Z]/.test(shape.alias) ? shape.alias : modelName(shape.table),
    sampleValues: varying?.values ?? [],
    schema: request.schema ?? null,
    parent: request.parent ? { query: request.parent, where: request.parentWhere ?? null } : null,
    call: first.ormCall ?? null,
  };
  const wording = shape.statement === 'insert' ? bulkInsertFix : shape.statement === 'select' ? WORDINGS[library] : null;
  const suggestion = wording?.(input);
  return suggestion ? { ...suggestion, reason: reasonFor(request, input) } : null;
}

/**
 * For the same query with the same params run again: keep the first result. The wording names
 * the library so the user recognises the call, and stays generic since a cache is app-specific.
 */
export function suggestDuplicateFix(queries: readonly QueryRecord[], frames: readonly RawFrame[], where: string | null): Suggestion {
  const library = detectLibrary(frames, queries[0].db);
  const count = queries.length;
  const totalMs = queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0);
  const table = sqlShape(queries[0].sql).table ?? 'result';
  return {
    title: `Reuse the first result instead of running the same query ${count} times`,
    code: [
      `// Run it once per request and pass the result along, or memoise the promise:`,
      `const cache = new Map();`,
      `const load${modelName(table)} = (key) => {`,
      `  if (!cache.has(key)) cache.set(key, /* your ${library} query */);`,
      `  return cache.get(key);`,
      `};`,
    ].join('\n'),
    orm: library,
    reason: `The same SQL with the same params ran ${count} times${where ? ` (first from ${where})` : ''}: `
      + `${count - 1} of them (${ms(totalMs * ((count - 1) / count))}) returned what the first one already had.`,
  };
}
