import type { QueryRecord, RawFrame } from '../../../types.js';
import { isUserFrame } from '../../../stack/callsite.js';
import type { SqlShape } from '../sql-shape.js';
import { sqlShape } from '../sql-shape.js';
import type { OrmRelation, OrmSchema } from '../orm/schema.js';
import { modelByName } from '../orm/lookup.js';
import { rowName } from './naming.js';

/*
 * The Sequelize call as the app wrote it, not as Sequelize runs it: `article.getComments()` runs
 * `HasMany.get` then `Comment.findAll`, `author.hasFollower(u)` runs `BelongsToMany.has`, and
 * `Article.findAndCountAll()` runs a COUNT and a findAll side by side, deeper than the frames a
 * query keeps. The association's own accessor names (`association.accessors`, read with the
 * schema) name the first two; the COUNT run just before on the same line names the third.
 */

const KINDS: Record<string, OrmRelation['kind']> = {
  HasMany: 'has-many', HasOne: 'has-one', BelongsTo: 'belongs-to', BelongsToMany: 'many-to-many',
};
/** V8 names a class method by its own name only (`get`): the association's file says which class. */
const FILES: Record<string, OrmRelation['kind']> = {
  'has-many': 'has-many', 'has-one': 'has-one', 'belongs-to': 'belongs-to', 'belongs-to-many': 'many-to-many',
};

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** `HasMany.get` among the library frames before the user's: the association method that ran. */
export function associationFrame(frames: readonly RawFrame[]): { kind: OrmRelation['kind']; method: string } | null {
  const firstUser = frames.findIndex(isUserFrame);
  const library = (firstUser < 0 ? frames : frames.slice(0, firstUser)).filter((f) => !isUserFrame(f));
  for (let i = library.length - 1; i >= 0; i--) {
    const { file, function: name } = library[i];
    const typed = /(?:^|\s)(HasMany|HasOne|BelongsTo|BelongsToMany)\.(\w+)/.exec(name ?? '');
    if (typed) return { kind: KINDS[typed[1]], method: typed[2] };
    const inFile = /[\\/]sequelize[\\/]lib[\\/]associations[\\/](has-many|has-one|belongs-to|belongs-to-many)\.js$/.exec(file);
    const method = name ? /(?:^|\.)(\w+)$/.exec(name)?.[1] : undefined;
    if (inFile && method) return { kind: FILES[inFile[1]], method };
  }
  return null;
}

/**
 * The associations whose `method` could have run a query of this shape: the relation's target is
 * the query's table, and its key column is the one compared (for belongsToMany, the join table's
 * column pointing at the source, in the JOIN's ON).
 */
export function associationsFor(schema: OrmSchema, kind: OrmRelation['kind'], shape: SqlShape): OrmRelation[] {
  const relations = schema.models.flatMap((m) => m.relations).filter((r) => r.kind === kind);
  return relations.filter((relation) => {
    const target = modelByName(schema, relation.target);
    if (!target || !same(target.table, shape.table)) return false;
    if (relation.kind === 'many-to-many') {
      const through = relation.through;
      return !!through && shape.filters.some((f) => same(f.table, through.table) && same(f.column, through.sourceColumn));
    }
    return shape.filters.some((f) => same(f.column, relation.targetColumn) && (!f.table || same(f.table, target.table)));
  });
}

/** `article.getComments`, or every candidate when several associations could have run it. */
export function accessorName(relations: readonly OrmRelation[], method: string): { receiver: string; call: string; relation: OrmRelation | null } | null {
  // `has` runs for both `hasFollower(u)` (hasSingle) and `hasFollowers([…])` (hasAll); one row asked is the usual.
  const accessorOf = (r: OrmRelation) => r.accessors?.[method] ?? (method === 'has' ? r.accessors?.hasSingle : undefined);
  const named = relations.filter((r) => accessorOf(r));
  if (named.length === 0) return null;
  const spell = (r: OrmRelation) => ({ receiver: rowName(r.source), call: accessorOf(r)! });
  if (named.length === 1) return { ...spell(named[0]), relation: named[0] };
  const all = [...new Set(named.map((r) => `${rowName(r.source)}.${accessorOf(r)}`))];
  return all.length === 1 ? { ...spell(named[0]), relation: null } : { receiver: '', call: all.join(' or '), relation: null };
}

/**
 * Whether a findAll is findAndCountAll's: Sequelize runs `SELECT count(…)` on the same table from
 * the same line of the app just before it (both start at once), and the result is `{ rows, count }`.
 */
export function isFindAndCountAll(query: QueryRecord, all: readonly QueryRecord[] | undefined, frames: readonly RawFrame[]): boolean {
  if (frames.some((f) => !isUserFrame(f) && /(?:^|\.)findAndCountAll$/.test(f.function ?? ''))) return true;
  if (!all || !query.callSite) return false;
  const shape = sqlShape(query.sql, query.db.dialect);
  return all.some((other) => other.id < query.id && other.id >= query.id - 3 && other.callSite
    && other.callSite.file === query.callSite!.file && other.callSite.line === query.callSite!.line
    && (() => {
      const counted = sqlShape(other.sql, other.db.dialect);
      return counted.aggregate && !counted.groupBy && /^\s*select\s+count\s*\(/i.test(other.sql) && same(counted.table, shape.table);
    })());
}
