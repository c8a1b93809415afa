import type { FixInput } from './fix-input.js';
import type { OrmModel } from '../orm/schema.js';
import { propertyOf } from '../orm/lookup.js';
import type { SqlFilter } from '../sql-shape.js';
import { literal, quoteJs } from './code.js';
import { listName } from './naming.js';
import { batchedFor, cannotBatch } from './raw-sql.js';
import { access, idsLine, matchUpLines, parentNames, resultName, uniqueLookup, type Wording } from './batched.js';
import { importLines } from '../../../stack/module-system.js';
import { throughHas } from './sequelize-through.js';

/*
 * Sequelize, in the order a fix is really right: the parent query already includes the
 * association → read it; the parent query can include it → `include: [{ model, as }]` on that
 * query (has-many with `separate: true`, which keeps a per-row ORDER BY and LIMIT: Sequelize runs
 * them as one UNION ALL); otherwise one `findAll` with an array `where` (`IN`), or the user's SQL
 * batched through `sequelize.query` when a per-row LIMIT, a JOIN or an aggregate must be kept.
 * Model and association names come from the app's models (orm/sequelize.ts); without them, the
 * model is the one Sequelize itself writes as the table's alias (`FROM "users" AS "User"`).
 */

function valueOf(input: FixInput, filter: SqlFilter): string {
  if (filter.paramIndex !== null) return literal(input.params[filter.paramIndex]);
  const text = filter.valueSql;
  if (/^-?[0-9.]+$/.test(text)) return text;
  if (text.startsWith("'")) return literal(text.slice(1, -1).replace(/''/g, "'"));
  return text;
}

const property = (model: OrmModel | null, column: string) => (model ? propertyOf(model, column) ?? column : column);
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quoteJs(name));

/** `[['time', 'DESC']]` from the per-row ORDER BY, in the model's attribute names; null when unread. */
function orderOption(input: FixInput, model: OrmModel | null): string | null {
  const items = input.shape.orderBy?.items;
  if (!items) return null;
  return `[${items.map((i) => `[${quoteJs(property(model, i.column))}, '${i.descending ? 'DESC' : 'ASC'}']`).join(', ')}]`;
}

/** `{ status: 1 }` from the per-row query's other `=` comparisons on `table`. */
function whereOption(input: FixInput, model: OrmModel | null, table: string | null): string | null {
  const others = input.shape.filters.filter((f) => f !== input.filter && f.operator === '=' && !f.subquery && f.table === table);
  if (others.length === 0) return null;
  return `{ ${others.map((f) => `${key(property(model, f.column))}: ${valueOf(input, f)}`).join(', ')} }`;
}

function limitValue(input: FixInput): number | null {
  const bound = input.shape.limitClause;
  const v = bound ? bound.value ?? (bound.paramIndex !== null ? input.params[bound.paramIndex] : null) : null;
  return typeof v === 'number' ? v : null;
}

function loopLine(input: FixInput, read: string): string {
  return `// then, where the loop at ${input.where ?? 'its line'} ran a query per row, read ${read}`;
}

/**
 * Whether the loop's query asks nothing more of the joined rows than the join gives: no other
 * condition, order, limit or aggregate, which the parent's include would not have applied.
 */
function answeredByJoin(input: FixInput): boolean {
  const { shape } = input;
  const single = input.link ? input.link.relation.kind === 'belongs-to' || input.link.relation.kind === 'has-one' : uniqueLookup(input);
  return shape.filters.length === 1 && !shape.unreadConditions && !shape.aggregate && !shape.groupBy && !shape.distinct
    && (!shape.limitClause || single) && (!shape.orderBy || single);
}

/**
 * The relation is in the parent's rows already: read it. Its name is the schema's, or without the
 * schema the alias Sequelize gave the joined table, which is the association's (`AS "author"`,
 * `AS "tagList->ArticleTag"` for the join table of `tagList`).
 */
function readLoaded(input: FixInput): Wording | null {
  const { link, parent, joined } = input;
  const name = link ? link.relation.name : joined?.table.alias?.split('->')[0] ?? null;
  if (!parent || !name) return null;
  const names = parentNames(input)!;
  const read = access(names.row, name);
  const call = parentCall(input);
  const missing = columnsNotLoaded(input, name);
  const notes = missing.length > 0
    ? [`the include selects fewer columns than the loop's query: ${read} has no ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} to the include's attributes if the loop used ${missing.length > 1 ? 'them' : 'it'}`]
    : [];
  return {
    title: `Read ${read}: ${call} already includes it`,
    code: [
      `// ${call}${parent.where ? ` at ${parent.where}` : ''} already loads ${name} with each row (its include):`,
      `// read ${read} instead of a query per row${input.where ? ` at ${input.where}` : ''}`,
      ...(missing.length > 0 ? [`// (${read} lacks ${missing.join(', ')}: the include's attributes leave ${missing.length > 1 ? 'them' : 'it'} out)`] : []),
      `const ${listName(name)} = ${names.items}.map((${names.row}) => ${read});`,
    ].join('\n'),
    orm: 'sequelize',
    notes,
  };
}

/** `Article.findAndCountAll`, `article.getComments`, or `query #3` when the call is not known. */
function parentCall(input: FixInput): string {
  const { parent, link } = input;
  if (!parent) return 'the parent query';
  const receiver = parent.receiver ?? link?.parent.name ?? (parent.shape.alias && parent.shape.alias !== parent.shape.table ? parent.shape.alias : null);
  if (!parent.call) return `query #${parent.query.id}`;
  // Several associations could have run it: the call already names each (`article.getComments or user.getComments`).
  return receiver && !parent.call.includes('.') ? `${receiver}.${parent.call}` : parent.call;
}

/** Columns the loop's query read that the parent's include (`"author"."x" AS "author.x"`) did not. */
function columnsNotLoaded(input: FixInput, alias: string): string[] {
  const loaded = input.parent?.shape.selectItems?.filter((i) => i.qualifier === alias);
  // The loop's own table's columns: a join table's (`"TagList"."tagName"`) are Sequelize's bookkeeping.
  const wanted = input.shape.selectItems?.filter((i) => !i.qualifier || i.qualifier === input.shape.alias || i.qualifier === input.shape.table);
  if (!loaded || loaded.length === 0 || !wanted || loaded.some((i) => i.star) || wanted.some((i) => i.star || !i.column)) return [];
  const have = new Set(loaded.map((i) => i.column?.toLowerCase()));
  return wanted.map((i) => i.column!).filter((c) => !have.has(c.toLowerCase()));
}

/** `include: [{ model: User, as: 'author' }]` on the parent query; null when the include cannot keep the per-row query's meaning. */
function includeOnParent(input: FixInput): Wording | null {
  const { link, parent, shape } = input;
  if (!link || !parent) return null;
  const { relation, target } = link;
  const notes: string[] = [];
  const options = [`model: ${target.name}`, `as: ${quoteJs(relation.name)}`];
  const limit = limitValue(input);
  const perRowLimit = !!shape.limitClause && !uniqueLookup(input);
  if (shape.aggregate || shape.groupBy || shape.distinct) return null;
  if (relation.kind === 'has-many') {
    options.push('separate: true');
    const where = whereOption(input, target, target.table);
    if (where) options.push(`where: ${where}`);
    if (shape.orderBy) {
      const order = orderOption(input, target);
      if (!order) return null;
      options.push(`order: ${order}`);
    }
    if (perRowLimit) {
      if (limit === null || shape.offset) return null;
      options.push(`limit: ${limit}`);
      notes.push(`with separate: true, Sequelize keeps ${[shape.orderBy?.sql, `LIMIT ${limit}`].filter(Boolean).join(' ')} for each ${link.parent.name} in one query (a UNION ALL)`);
    }
  } else if (relation.kind === 'many-to-many') {
    if (perRowLimit) return null;
    const where = whereOption(input, target, target.table);
    const through = relation.through ? whereOption(input, null, relation.through.table) : null;
    if (where) options.push(`where: ${where}`, 'required: false');
    if (through) options.push(`through: { where: ${through} }`);
    if (shape.orderBy) notes.push(`to keep its ${shape.orderBy.sql}, order the findAll by [{ model: ${target.name}, as: ${quoteJs(relation.name)} }, …]`);
  } else {
    const where = whereOption(input, target, target.table);
    if (where) options.push(`where: ${where}`, 'required: false');
  }
  if (shape.unreadConditions) notes.push(`add the per-row query's other conditions to the include's where`);
  if (options.some((o) => o.startsWith('where: ') || o.startsWith('through: '))) {
    notes.push(`the include's where holds the values every run of the loop compared with (the same for each row; put your variable there)`);
  }
  const names = parentNames(input)!;
  const call = parent.call ? parentCall(input) : `${link.parent.name}.findAll`;
  return {
    title: `Include ${relation.name} in the ${link.parent.name} query`,
    code: [
      `// ${parent.where ?? `query #${parent.query.id}`}: add the include to that ${call} (its where and order stay as they are):`,
      `const ${names.list} = await ${call}({`,
      `  include: [{ ${options.join(', ')} }],`,
      `});`,
      loopLine(input, `${access(names.row, relation.name)}${parent.rows ? ` for each ${names.row} of ${names.items}` : ''}`),
    ].join('\n'),
    orm: 'sequelize',
    notes,
  };
}

/** The model the batched query reads: from the schema, else the alias Sequelize gave the table (its model's name). */
function childModelName(input: FixInput): string | null {
  if (input.childModel) return input.childModel.name;
  return input.shape.alias && input.shape.tables.length === 1 ? input.shape.alias : null;
}

/** The attribute behind a column: the schema's, else the alias Sequelize's select list gave it (`"author_id" AS "authorId"`). */
function attributeOf(input: FixInput, column: string): string {
  if (input.childModel) return property(input.childModel, column);
  const item = input.shape.selectItems?.find((i) => i.column === column && i.output);
  return item?.output ?? column;
}

/** One findAll with an array where: Sequelize writes it as IN (…). */
function findAllByIds(input: FixInput): Wording | null {
  const { shape, filter } = input;
  const model = childModelName(input);
  const simple = model && shape.tables.length === 1 && filter!.clause === 'where' && !filter!.subquery && !shape.unreadConditions
    && !shape.aggregate && !shape.groupBy && !shape.distinct && (!shape.limitClause || uniqueLookup(input))
    && (!shape.orderBy || shape.orderBy.items !== null)
    && shape.filters.every((f) => f === filter || (f.operator === '=' && !f.subquery));
  if (!simple) return null;
  const attribute = attributeOf(input, filter!.column);
  const others = shape.filters.filter((f) => f !== filter).map((f) => `${key(attributeOf(input, f.column))}: ${valueOf(input, f)}`);
  const order = shape.orderBy?.items ? `, order: [${shape.orderBy.items.map((i) => `[${quoteJs(attributeOf(input, i.column))}, '${i.descending ? 'DESC' : 'ASC'}']`).join(', ')}]` : '';
  const list = resultName(input, shape.table, true);
  return {
    title: `Load every ${model} in one findAll`,
    code: [
      idsLine(input, true),
      `const ${list} = await ${model}.findAll({ where: { ${[`${key(attribute)}: ids`, ...others].join(', ')} }${order} }); // ${filter!.column} IN (…)`,
      ...matchUpLines(list, attribute, uniqueLookup(input), input, true),
    ].join('\n'),
    orm: 'sequelize',
    notes: shape.orderBy ? [`its ${shape.orderBy.sql} holds within each ${filter!.column}`] : [],
  };
}

/** The user's SQL batched through sequelize.query: bind on PostgreSQL, replacements (which expand arrays) elsewhere. */
function queryBatched(input: FixInput): Wording | null {
  const postgres = input.dialect === 'postgres';
  const batched = batchedFor(input, postgres
    ? { dialect: input.dialect, placeholders: 'numbered', list: 'any', ids: 'ids' }
    : { dialect: input.dialect, placeholders: 'positional', list: 'in', ids: 'ids' });
  if (batched === null) return null;
  if (typeof batched === 'string') return cannotBatch(input, batched);
  const list = resultName(input, input.shape.table, true);
  return {
    title: `Load all ${input.shape.table} in one sequelize.query, the SQL batched over the ${input.filter!.column} values`,
    code: [
      ...importLines(['QueryTypes'], 'sequelize', input.moduleSystem ?? null),
      '',
      idsLine(input, true),
      `const ${list} = await sequelize.query(`,
      `  ${quoteJs(batched.sql)},`,
      `  { ${postgres ? 'bind' : 'replacements'}: [${batched.params.join(', ')}], type: QueryTypes.SELECT },`,
      `);`,
      ...matchUpLines(list, batched.key, batched.onePerValue, input, true),
    ].join('\n'),
    orm: 'sequelize',
    notes: [...batched.kept, ...batched.lost],
  };
}

/**
 * Sequelize: read what the parent query already includes, include it on the parent query, or
 * load every row in one query, in the app's model and association names.
 *
 * @example
 * sequelizeFix(input).code
 * // const articles = await Article.findAll({
 * //   include: [{ model: User, as: 'author' }],
 * // });
 */
export function sequelizeFix(input: FixInput): Wording | null {
  if (!input.filter) return null;
  if (input.parent && (input.link?.loaded || (!input.link && input.joined)) && answeredByJoin(input)) {
    const loaded = readLoaded(input);
    if (loaded) return loaded;
  }
  // Already included, but with less than the loop asks (a where of its own): a second include of the alias would throw.
  const include = input.link?.loaded ? null : includeOnParent(input);
  if (include) return include;
  const notes = input.ambiguous.length > 0
    ? [`${input.ambiguous[0].source} has ${input.ambiguous.length} associations that could be this loop's (${input.ambiguous.map((r) => r.name).join(', ')}): include the one the loop reads`]
    : [];
  const fix = throughHas(input) ?? findAllByIds(input) ?? queryBatched(input);
  return fix ? { ...fix, notes: [...(fix.notes ?? []), ...notes] } : null;
}
