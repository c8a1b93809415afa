import type { OrmModel, OrmRelation } from '../orm/schema.js';
import type { FixInput } from './fix-input.js';
import { parentWhereOf, type OrmFixPlan } from './orm-plan.js';
import { literal, sampleComment } from './code.js';
import { listName, propertyKey, rowName } from './naming.js';
import { rawSqlFix } from './raw-sql.js';
import type { Dialect, QueryLibrary, Suggestion } from '../../../types.js';

/* Pieces of code the Prisma, TypeORM and drizzle fixes share; every name in them comes from the plan. */

/** A variable for a model's rows: `articles` for `Article` (Prisma, TypeORM) or drizzle's `articles`. */
export const listVar = (model: OrmModel) => listName(model.name);
/** A variable for one row: `article`. */
export const rowVar = (model: OrmModel) => {
  const row = rowName(model.name);
  return row === listVar(model) ? 'row' : row;
};

/** `an Article`, `a User`: for sentences that name a model. */
export const aOrAn = (name: string) => `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;

/** `{ a: 1, b: 'x' }` from entries whose values are already source code. */
export function jsObject(entries: ReadonlyArray<[string, string]>): string {
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${v}`).join(', ')} }`;
}

/** The extra `column = value` conditions of the repeated query, as object entries. */
export const otherEntries = (plan: OrmFixPlan): Array<[string, string]> => plan.others.map((o) => [o.property, literal(o.value)]);

/** `// ids: the author_id values the loop looked up, e.g. [1, 2, 3]`. */
export const idsLine = (input: FixInput, plan: OrmFixPlan) => sampleComment('ids', plan.key.property ?? plan.key.column, input.sampleValues);

/** What the loop ran per row, for a sentence: `prisma.user.findUnique`, or `query` when unknown. */
export function loopCall(input: FixInput, plan: OrmFixPlan, spell: (model: OrmModel, method: string) => string): string {
  const call = input.call;
  if (call?.method && call.model === plan.child.name) return spell(plan.child, call.method);
  return `${plan.child.name} query`;
}

/** Where the parent's rows were fetched, for a comment: ` at routes/articles.ts:12`. */
export const parentAt = (input: FixInput) => (parentWhereOf(input) ? ` at ${parentWhereOf(input)}` : '');

/**
 * How a row reads what the loop looked up once the relation is loaded: `article.author`,
 * `article.comments[0]`; `limitedLoad` says whether the load kept the per-row LIMIT (Prisma's
 * `take`, drizzle's `limit`) or brought every row (TypeORM).
 */
export function readLoaded(plan: OrmFixPlan, row: string, limitedLoad = true): string {
  const relation = plan.relation!;
  const base = `${row}.${relation.name}`;
  if (plan.then) {
    const link = 'link';
    return relation.kind === 'has-many' ? `${base}.map((${link}) => ${link}.${plan.then.name})` : `${base}?.${plan.then.name}`;
  }
  if (relation.kind === 'belongs-to' || relation.kind === 'has-one') return base;
  if (plan.limit === 1) return `${base}[0]`;
  // An ORM that cannot limit a relation per row loads them all: the first `limit` are the loop's.
  return plan.limit !== null && !limitedLoad ? `${base}.slice(0, ${plan.limit})` : base;
}

/** `author` (one) or `comments` (many): what the loop loaded per row. */
export function loadedName(plan: OrmFixPlan): string {
  return plan.then ? `${plan.relation!.name} → ${plan.then.name}` : plan.relation!.name;
}

/** The relations that could be the one walked, for the sentence that says none was chosen. */
export const candidateNames = (candidates: readonly OrmRelation[]) => candidates.map((r) => `${r.source}.${r.name}`).join(', ');

/** The note a batched fix carries when the query that fetched the loop's rows was not identified. */
export function unknownParentNote(plan: OrmFixPlan, eagerLoad: { where: string; how: string } | null): string[] {
  if (plan.candidates.length > 1) {
    return [`// ${plan.child.name} rows are reached from ${candidateNames(plan.candidates)}, and the query the loop went over`,
      `// was not identified, so which relation it walks is not known: one batched query instead.`];
  }
  if (!plan.relation || plan.parentKnown) return [];
  const parent = plan.parent ? plan.parent.name : 'parent';
  return [`// The query that fetched the ${parent} rows this loop went over was not identified.`,
    ...(eagerLoad ? [`// If they come from ${eagerLoad.where}, ${eagerLoad.how} there loads them with it.`] : [])];
}

const DRIVER_OF: Record<Dialect, QueryLibrary> = { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };

/**
 * The fix when the ORM's schema does not know the query (no ORM object passed, or a table it has
 * no model for): the user's SQL batched, in the words of the driver underneath, never a model or
 * relation name guessed from a table name.
 */
export function sqlLevelFix(input: FixInput): Omit<Suggestion, 'reason'> | null {
  return rawSqlFix({ ...input, library: DRIVER_OF[input.dialect] });
}
