import type { QueryLibrary, QueryRecord, RawFrame, Suggestion } from '../../../types.js';
import { sqlShape } from '../sql-shape.js';
import { detectLibrary } from './library.js';
import { fixInputFor, type NPlusOneFixRequest } from './analysis.js';
import type { FixInput } from './fix-input.js';
import type { Wording } from './batched.js';
import { cannotBatch, rawSqlFix } from './raw-sql.js';
import { knexFix } from './knex.js';
import { sequelizeFix } from './sequelize.js';
import { drizzleFix } from './drizzle.js';
import { typeormFix } from './typeorm.js';
import { prismaFix } from './prisma.js';
import { bulkInsertFix } from './bulk-insert.js';

export { detectLibrary } from './library.js';
export { varyingFilter, type NPlusOneFixRequest } from './analysis.js';

/** One wording per library; the raw drivers share theirs, parameterised by dialect. */
const WORDINGS: Record<QueryLibrary, (input: FixInput) => Wording | null> = {
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

/** What passing the ORM object adds, said once per fix that stays at the SQL level for want of it. */
const ORM_OBJECT: Partial<Record<QueryLibrary, { key: string; what: string; adds: string }>> = {
  sequelize: { key: 'sequelize', what: 'your Sequelize instance', adds: 'your models and association aliases (include: [{ model, as }])' },
  prisma: { key: 'prisma', what: 'your PrismaClient', adds: 'your models and relation fields (include: { author: true })' },
  typeorm: { key: 'typeorm', what: 'your DataSource', adds: 'your entities and relation properties (relations: { author: true })' },
  'drizzle-orm': { key: 'drizzle', what: 'your drizzle db (created with its schema)', adds: 'your tables and relations (with: { author: true })' },
};

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function parentSentence(request: NPlusOneFixRequest, input: FixInput): string {
  const { parent } = input;
  if (parent) {
    const name = parent.model?.name ?? null;
    const call = name && parent.call ? `${name}.${parent.call}` : `the ${parent.shape.table} query`;
    const over = ` The loop goes over the rows of query #${parent.query.id} (${call}${parent.where ? ` at ${parent.where}` : ''}).`;
    const { joined, relation, filter } = input;
    if (joined && !input.link) {
      const on = `${joined.parentColumn.qualifier ? `${joined.parentColumn.qualifier}.` : ''}${joined.parentColumn.column}`;
      return `${over} It already joins ${joined.table.table}${joined.table.alias ? ` (as ${joined.table.alias})` : ''} on ${on}: what the loop fetches again could be read from its rows.`;
    }
    if (!input.link && relation && filter) {
      return `${over} Its ${relation.parentKey} is taken to hold the ${input.filterTable ?? input.shape.table}.${filter.column} values, going by the column names.`;
    }
    return over;
  }
  if (!input.filter) return '';
  const column = `${input.filterTable ?? input.shape.table}.${input.filter.column}`;
  const unsure = input.filterTable ? '' : ` ${input.filter.column} is not qualified and the FROM names several tables (${input.shape.tables.map((t) => t.table).join(', ')}), so which table it belongs to is not known; the fix keeps it as written.`;
  const candidates = request.parents ?? [];
  if (candidates.length === 0) {
    return `${unsure} The query whose rows the loop goes over could not be identified from the stack, so the fix starts from the values the loop looked up (ids).`;
  }
  const ran = candidates.map((q) => `#${q.id}`).slice(0, 3).join(', ');
  return `${unsure} Query ${ran} ran before the loop in the same function, but nothing known relates ${candidates.length > 1 ? 'their' : 'its'} rows to ${column}, so the fix starts from the values the loop looked up (ids).`;
}

function ormSentence(input: FixInput): string {
  const orm = ORM_OBJECT[input.library];
  if (!orm || input.schema) return '';
  if (input.ormNames.includes(orm.key as never)) return ` The models of instrument.${orm.key} could not be read, so this fix stays at the SQL level.`;
  return ` Pass ${orm.what} too (instrument: { …, ${orm.key} }) and the fix names ${orm.adds}.`;
}

function reasonFor(request: NPlusOneFixRequest, input: FixInput | null, notes: readonly string[]): string {
  const count = request.queries.length;
  const saved = request.totalMs * ((count - 1) / count);
  const from = request.where ? ` from ${request.where}` : '';
  const extra = notes.map((n) => ` ${n[0].toUpperCase()}${n.slice(1)}${/[.!?]$/.test(n) ? '' : '.'}`).join('');
  return `${count} queries of one shape ran${from}, one per row; one query instead saves ${count - 1} round trips `
    + `(${ms(saved)} of the ${ms(request.totalMs)} they took).${input ? parentSentence(request, input) : ''}${extra}${input ? ormSentence(input) : ''}`;
}

/**
 * The fix for an N+1 group and the parent query it starts from: in the words of the library that
 * issued the queries (read from the stack), with the names of the app's schema when the ORM
 * object was passed, else at the SQL level with the user's tables and columns.
 *
 * @example
 * analyzeNPlusOne({ queries, frames, parent, parents, framesOf, totalMs: 12, where: 'routes/articles.js:15', schema })
 * // { suggestion: { title: "Include author in the Article query", code: "…include: [{ model: User, as: 'author' }]…", … }, parent: query #1 }
 */
export function analyzeNPlusOne(request: NPlusOneFixRequest): { suggestion: Suggestion | null; parent: QueryRecord | null } {
  const input = fixInputFor(request);
  if (!input) return { suggestion: null, parent: null };
  const wording = input.shape.statement === 'insert' ? bulkInsertFix : input.shape.statement === 'select' ? WORDINGS[input.library] : null;
  let fix: Wording | null = wording?.(input) ?? null;
  if (!fix && input.shape.statement === 'select' && !input.filter && input.unbatchable) fix = cannotBatch(input, input.unbatchable);
  if (!fix) return { suggestion: null, parent: input.parent?.query ?? null };
  const { notes = [], ...suggestion } = fix;
  return { suggestion: { ...suggestion, reason: reasonFor(request, input, notes) }, parent: input.parent?.query ?? null };
}

/**
 * The fix for an N+1 group (see {@link analyzeNPlusOne}); null when the SQL is beyond what
 * the shape reader reads.
 *
 * @example
 * suggestNPlusOneFix({ queries, frames, parent: null, totalMs: 12, where: 'routes/posts.ts:14' })
 * // { title: "Load the authors with one .whereIn('id', …)", code: "…", orm: 'knex', reason: '…' }
 */
export function suggestNPlusOneFix(request: NPlusOneFixRequest): Suggestion | null {
  return analyzeNPlusOne(request).suggestion;
}

/**
 * For the same query with the same params run again: keep the first result. The wording names
 * the library so the user recognises the call, and stays generic since a cache is app-specific.
 */
export function suggestDuplicateFix(queries: readonly QueryRecord[], frames: readonly RawFrame[], where: string | null): Suggestion {
  const library = detectLibrary(frames, queries[0].db);
  const count = queries.length;
  const totalMs = queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0);
  const table = sqlShape(queries[0].sql, queries[0].db.dialect).table;
  return {
    title: `Reuse the first result instead of running the same query ${count} times`,
    code: [
      `// Run it once per request and pass the result along, or memoise the promise:`,
      `const cache = new Map();`,
      `const loadOnce = (key) => {`,
      `  if (!cache.has(key)) cache.set(key, /* your ${library} query${table ? ` on ${table}` : ''} */);`,
      `  return cache.get(key);`,
      `};`,
    ].join('\n'),
    orm: library,
    reason: `The same SQL with the same params ran ${count} times${where ? ` (first from ${where})` : ''}: `
      + `${count - 1} of them (${ms(totalMs * ((count - 1) / count))}) returned what the first one already had.`,
  };
}
