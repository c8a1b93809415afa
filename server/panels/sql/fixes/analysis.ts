import { isAbsolute, relative, sep } from 'node:path';
import type { CallSite, QueryRecord, RawFrame } from '../../../types.js';
import { isUserFrame } from '../../../stack/callsite.js';
import { mapFrame } from '../../../stack/source-map.js';
import { sqlShape, type SqlFilter, type SqlShape } from '../sql-shape.js';
import { ormCallOf } from '../parent-query.js';
import type { OrmName, OrmSchema } from '../orm/schema.js';
import { hasColumn, modelByTable, relationsFor } from '../orm/lookup.js';
import { detectLibrary } from './library.js';
import { inferRelation, type FixInput, type OrmLink, type ParentQuery } from './fix-input.js';
import { modelName } from './naming.js';
import { REDACTED } from '../../../security/redact.js';
import { moduleSystemOf, type ModuleSystemAnswer } from '../../../stack/module-system.js';
import { accessorName, associationFrame, associationsFor, isFindAndCountAll } from './sequelize-call.js';

/** What the dispatcher needs to know about one N+1 group. */
export interface NPlusOneFixRequest {
  /** The repeated queries, in order. */
  queries: readonly QueryRecord[];
  /** Frames of the first of them, as captured: they name the library. */
  frames: readonly RawFrame[];
  /** The query that most likely fetched the list the loop went over (the first of `parents`). */
  parent: QueryRecord | null;
  /** The queries that may have, most likely first (parent-query.ts); the fix takes the first the schema or the names relate. */
  parents?: readonly QueryRecord[];
  /** The captured frames of any query of the request: the parent's tell which ORM call ran it. */
  framesOf?: (query: QueryRecord) => readonly RawFrame[];
  totalMs: number;
  /** `file:line` of the call site, relative to the project when possible. */
  where: string | null;
  /** The app's schema, from the ORM object in `instrument` (orm/index.ts). */
  schema?: OrmSchema | null;
  /** The ORM objects passed in `instrument`, read or not. */
  ormNames?: OrmName[];
  /** Every query of the request: findAndCountAll shows as a COUNT beside its findAll. */
  all?: readonly QueryRecord[];
}

/** `routes/posts.ts:14`: relative to the working directory when the file is inside it. */
export function shortWhere(site: CallSite | null): string | null {
  if (!site) return null;
  const path = relative(process.cwd(), site.file);
  const file = path && !path.startsWith(`..${sep}`) && !isAbsolute(path) ? path : site.file;
  return `${file}:${site.line}`;
}

function literalValue(text: string): unknown {
  if (/^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(text)) return Number(text);
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/**
 * The comparison whose value changes from run to run, wherever it sits (WHERE, a JOIN's ON, a
 * subquery), and the values it took; null when none or several change (a fix batches one column).
 *
 * @example
 * varyingFilter(queries, shapes) // { filter: { columnSql: '"Follow"."following_id"', clause: 'on', … }, values: [1, 3] }
 */
export function varyingFilter(queries: readonly QueryRecord[], shapes: readonly SqlShape[]): { filter: SqlFilter; values: unknown[] } | null {
  const found = varyingFilters(queries, shapes);
  return found.length === 1 ? found[0] : null;
}

/** Every comparison whose value changes from run to run; with none changing, the only comparison there is. */
function varyingFilters(queries: readonly QueryRecord[], shapes: readonly SqlShape[]): { filter: SqlFilter; values: unknown[] }[] {
  const first = shapes[0];
  const valueOf = (filter: SqlFilter, k: number, i: number): unknown => {
    if (filter.paramIndex !== null) return queries[i].params[filter.paramIndex];
    const own = shapes[i].filters[k];
    return own ? literalValue(own.valueSql) : undefined;
  };
  const varying: { filter: SqlFilter; values: unknown[] }[] = [];
  for (const [k, filter] of first.filters.entries()) {
    const values = queries.map((_q, i) => valueOf(filter, k, i));
    const distinct = new Map(values.map((v) => [JSON.stringify(v), v]));
    if (distinct.size > 1) varying.push({ filter, values: [...distinct.values()] });
  }
  if (varying.length > 0) return varying;
  // Redaction hides the values that changed; the real runs differed (`sameRunAs`, read from the
  // real values when the request was stored), so the change is in a comparison whose values are hidden.
  if (new Set(queries.map((q) => q.sameRunAs ?? q.id)).size > 1 && queries.every((q) => q.sameRunAs !== undefined)) {
    const hidden = first.filters.filter((filter, k) => queries.some((_q, i) => valueOf(filter, k, i) === REDACTED));
    if (hidden.length > 0) return hidden.map((filter) => ({ filter, values: [REDACTED] }));
  }
  if (first.filters.length === 1) return [{ filter: first.filters[0], values: [valueOf(first.filters[0], 0, 0)] }];
  return [];
}

/** The table of an unqualified column in a FROM of several tables, by the ORM's columns: the one table that has it. */
function tableOfColumn(shape: SqlShape, filter: SqlFilter, schema: OrmSchema | null): string | null {
  if (filter.table) return filter.table;
  if (!schema) return null;
  const tables = filter.subquery ? shape.allTables : shape.tables;
  const owners = [...new Set(tables.map((t) => t.table))].filter((table) => {
    const model = modelByTable(schema, table);
    return model ? hasColumn(model, filter.column) : false;
  });
  return owners.length === 1 ? owners[0] : null;
}

/** Whether the parent's SQL already joins the relation (a Sequelize include is aliased by the association's name). */
function alreadyJoined(parent: SqlShape, link: Omit<OrmLink, 'loaded'>, schema: OrmSchema): boolean {
  return parent.tables.some((t) => t.kind === 'join' && t.table.toLowerCase() === link.target.table.toLowerCase()
    && (schema.orm !== 'sequelize' || t.alias === link.relation.name));
}

/** The JOIN of the parent's SQL that already reads the child's table by the varying column, if any. */
function joinedIn(parent: SqlShape, table: string, column: string): FixInput['joined'] {
  for (const t of parent.tables) {
    if (t.kind !== 'join' || t.table.toLowerCase() !== table.toLowerCase()) continue;
    const name = t.alias ?? t.table;
    for (const { left, right } of parent.joinEqualities) {
      if (left.qualifier === name && left.column === column) return { table: t, parentColumn: right };
      if (right.qualifier === name && right.column === column) return { table: t, parentColumn: left };
    }
  }
  return null;
}

function parentOf(request: NPlusOneFixRequest, query: QueryRecord, shape: SqlShape & { table: string }, schema: OrmSchema | null): ParentQuery {
  const frames = request.framesOf?.(query) ?? [];
  const model = modelByTable(schema, shape.table);
  const base = { query, shape, where: shortWhere(query.callSite), model };
  if (detectLibrary(frames, query.db) === 'sequelize') {
    if (isFindAndCountAll(query, request.all, frames)) return { ...base, call: 'findAndCountAll', receiver: model?.name ?? shape.alias, rows: true };
    const association = associationFrame(frames);
    const named = association && schema ? accessorName(associationsFor(schema, association.kind, shape), association.method) : null;
    if (named) return { ...base, call: named.call, receiver: named.receiver || null, rows: false };
  }
  const call = request.framesOf ? ormCallOf(frames) : null;
  return { ...base, call, receiver: model?.name ?? null, rows: false };
}

/** The loop's file as it runs: the innermost frame of the app's own code, unmapped (source maps name the source, not what Node loaded). */
function moduleSystemAt(frames: readonly RawFrame[]): ModuleSystemAnswer | null {
  const file = frames.find(isUserFrame)?.file;
  return file ? moduleSystemOf(file) : null;
}

/**
 * The input of every fix wording: the varying comparison and its table, the parent query and, with
 * the ORM's schema, the relation the loop walks and whether the parent already loaded it.
 *
 * @example
 * fixInputFor({ queries, frames, parent, parents, totalMs, where, schema })
 * // { filter: "User"."id" = 3, parent: { query: #1, call: 'findAll', model: Article }, link: { relation: Article.author, loaded: false }, … }
 */
export function fixInputFor(request: NPlusOneFixRequest): FixInput | null {
  const first = request.queries[0];
  if (!first) return null;
  const schema = request.schema ?? null;
  const library = detectLibrary(request.frames, first.db);
  const shapes = request.queries.map((q) => sqlShape(q.sql, q.db.dialect));
  const shape = shapes[0];
  if (!shape.table) return null;
  const all = varyingFilters(request.queries, shapes);
  const varying = all.length === 1 ? all[0] : null;
  const filter = varying?.filter ?? null;
  const unbatchable = filter ? null : all.length > 1
    ? `${all.map((v) => v.filter.column).join(' and ')} all change from run to run, and one batched query takes one list of values`
    : 'no value compared in its WHERE or ON changes from run to run, so there is no list of values to load at once';
  const filterTable = filter ? tableOfColumn(shape, filter, schema) : null;

  // A loop over a query's rows runs at most once per row: more runs than rows is another loop.
  const tooFewRows = (candidate: QueryRecord) => typeof candidate.rowCount === 'number' && request.queries.length > candidate.rowCount;
  let parent: ParentQuery | null = null;
  let link: OrmLink | null = null;
  let ambiguous: FixInput['ambiguous'] = [];
  const candidates = request.parents ?? (request.parent ? [request.parent] : []);
  for (const candidate of filter && filterTable ? candidates : []) {
    const parentShape = sqlShape(candidate.sql, candidate.db.dialect);
    if (!parentShape.table) continue;
    if (tooFewRows(candidate)) continue;
    const table = parentShape.table;
    const relations = schema ? relationsFor(schema, table, filterTable!, filter!.column, shape.table) : [];
    const byNames = !schema || !modelByTable(schema, table) ? inferRelation({ table: filterTable!, filter }, { id: candidate.id, shape: parentShape }) : null;
    if (relations.length === 0 && !byNames) continue;
    parent = parentOf(request, candidate, { ...parentShape, table }, schema);
    if (relations.length === 1 && schema) {
      const parentModel = modelByTable(schema, table)!;
      const target = schema.models.find((m) => m.name === relations[0].target);
      if (target) {
        const base = { relation: relations[0], parent: parentModel, target };
        link = { ...base, loaded: alreadyJoined(parentShape, base, schema) };
      }
    } else if (relations.length > 1) {
      ambiguous = relations;
    }
    break;
  }
  let joined: FixInput['joined'] = null;
  for (const candidate of filter && filterTable && !link ? candidates : []) {
    if ((parent && candidate !== parent.query) || tooFewRows(candidate)) continue;
    const parentShape = sqlShape(candidate.sql, candidate.db.dialect);
    joined = parentShape.table ? joinedIn(parentShape, filterTable!, filter!.column) : null;
    if (joined) {
      parent ??= parentOf(request, candidate, { ...parentShape, table: parentShape.table! }, schema);
      break;
    }
  }
  const relation = parent && filter ? inferRelation({ table: filterTable ?? shape.table, filter }, { id: parent.query.id, shape: parent.shape }) : null;
  const frames = request.framesOf?.(first) ?? request.frames;
  const values = varying?.values ?? [];
  return {
    library, dialect: first.db.dialect, sql: first.sql, params: first.params, shape: { ...shape, table: shape.table },
    filter, filterTable, relation,
    model: shape.alias && /^[A-Z]/.test(shape.alias) ? shape.alias : modelName(shape.table),
    sampleValues: values, values,
    schema, ormNames: request.ormNames ?? [], childModel: modelByTable(schema, shape.table),
    parent, link, ambiguous, joined, unbatchable,
    stack: frames.filter(isUserFrame).map(mapFrame),
    where: request.where,
    call: first.ormCall ?? null,
    moduleSystem: moduleSystemAt(frames),
  };
}
