import type { OrmColumn, OrmModel, OrmRelation, OrmSchema } from './schema.js';
import { parsePrismaSchema, type DslField, type DslModel } from './prisma-dsl.js';

/*
 * Prisma's metadata, read from the PrismaClient the app passed (`instrument: { prisma }`). The
 * client keeps its data model at `_runtimeDataModel` (models → fields with kind, type,
 * relationName, dbName; @@map as the model's dbName). Since Prisma 6 that model no longer says
 * which side of a relation holds the foreign key, nor which fields are lists, so those come from
 * the schema text the client was generated from (`_engineConfig.inlineSchema`). Older clients
 * (Prisma 5) still have `relationFromFields`/`relationToFields`/`isList` on each field: used first.
 */

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  isList?: boolean;
  isId?: boolean;
}

interface RuntimeModel {
  fields: RuntimeField[];
  dbName?: string | null;
  schema?: string | null;
  primaryKey?: { fields: string[] } | null;
}

interface PrismaLike {
  _runtimeDataModel?: { models?: Record<string, RuntimeModel> };
  _engineConfig?: { inlineSchema?: unknown };
}

/** A field with everything known about it, from the runtime model and, where it says nothing, the schema text. */
interface Field extends RuntimeField {
  isList: boolean;
  isId: boolean;
}

function mergeFields(runtime: RuntimeModel, dsl: DslModel | undefined): Field[] {
  return runtime.fields.map((field) => {
    const text: DslField | undefined = dsl?.fields.find((f) => f.name === field.name);
    return {
      ...field,
      isList: field.isList ?? text?.isList ?? false,
      isId: field.isId ?? text?.isId ?? false,
      relationFromFields: field.relationFromFields ?? text?.fields,
      relationToFields: field.relationToFields ?? text?.references,
    };
  });
}

/** How code reaches a model: `prisma.article` for `Article` (Prisma's `dmmfToJSModelName`). */
const accessorOf = (model: string) => `prisma.${model[0].toLowerCase()}${model.slice(1)}`;

interface Built {
  name: string;
  table: string;
  schema?: string;
  fields: Field[];
  columnOf: (field: string) => string;
  primaryKey: string[];
}

function build(name: string, runtime: RuntimeModel, dsl: DslModel | undefined): Built {
  const fields = mergeFields(runtime, dsl);
  const columnOf = (fieldName: string) => fields.find((f) => f.name === fieldName)?.dbName ?? fieldName;
  const ids = runtime.primaryKey?.fields ?? dsl?.compoundId ?? fields.filter((f) => f.isId).map((f) => f.name);
  const schema = runtime.schema ?? dsl?.schema;
  return {
    name, table: runtime.dbName ?? dsl?.dbName ?? name, ...(schema ? { schema } : {}), fields, columnOf,
    primaryKey: ids.map(columnOf),
  };
}

/** The same relation seen from the other model: the field of `target` with the same relationName. */
function partnerOf(field: Field, source: Built, target: Built): Field | undefined {
  return target.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f.type === source.name
    && (target !== source || f.name !== field.name));
}

function relationOf(field: Field, source: Built, models: Map<string, Built>): OrmRelation | null {
  const target = models.get(field.type);
  if (!target) return null;
  const base = { name: field.name, source: source.name, target: target.name };
  if (field.relationFromFields?.length) {
    return {
      ...base, kind: 'belongs-to', sourceColumn: source.columnOf(field.relationFromFields[0]),
      targetColumn: target.columnOf(field.relationToFields?.[0] ?? target.primaryKey[0] ?? 'id'),
    };
  }
  const partner = partnerOf(field, source, target);
  if (!partner) return null;
  if (partner.relationFromFields?.length) {
    return {
      ...base, kind: field.isList ? 'has-many' : 'has-one',
      sourceColumn: source.columnOf(partner.relationToFields?.[0] ?? source.primaryKey[0] ?? 'id'),
      targetColumn: target.columnOf(partner.relationFromFields[0]),
    };
  }
  if (field.isList && partner.isList) {
    // An implicit many-to-many: Prisma's own join table `_<relationName>`, whose column A points
    // at the model that sorts first by name, B at the other.
    const sourceIsA = source.name <= target.name;
    return {
      ...base, kind: 'many-to-many', sourceColumn: source.primaryKey[0] ?? 'id', targetColumn: target.primaryKey[0] ?? 'id',
      through: { table: `_${field.relationName}`, sourceColumn: sourceIsA ? 'A' : 'B', targetColumn: sourceIsA ? 'B' : 'A' },
    };
  }
  return null;
}

/**
 * The models, tables, columns and relations of a PrismaClient, with Prisma's own names: the
 * relation field `author` of `Article` (not `user`), the accessor `prisma.article`, the table
 * `articles` from `@@map`. Null when `client` is not a PrismaClient (no runtime data model).
 *
 * @example
 * readPrismaSchema(prisma)?.models.find((m) => m.name === 'Article')?.relations
 * // [{ name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' }, …]
 */
export function readPrismaSchema(client: unknown): OrmSchema | null {
  if (!client || (typeof client !== 'object' && typeof client !== 'function')) return null;
  const prisma = client as PrismaLike;
  const runtimeModels = prisma._runtimeDataModel?.models;
  if (!runtimeModels || typeof runtimeModels !== 'object') return null;
  const inline = prisma._engineConfig?.inlineSchema;
  const dsl = typeof inline === 'string' ? parsePrismaSchema(inline) : [];
  const built = new Map<string, Built>();
  for (const [name, runtime] of Object.entries(runtimeModels)) {
    if (!Array.isArray(runtime?.fields)) return null;
    built.set(name, build(name, runtime, dsl.find((m) => m.name === name)));
  }
  const models: OrmModel[] = [...built.values()].map((model) => {
    const columns: OrmColumn[] = model.fields.filter((f) => f.kind !== 'object').map((f) => ({ property: f.name, column: f.dbName ?? f.name }));
    const relations = model.fields.filter((f) => f.kind === 'object')
      .map((f) => relationOf(f, model, built)).filter((r): r is OrmRelation => r !== null);
    return {
      name: model.name, accessor: accessorOf(model.name), table: model.table, ...(model.schema ? { schema: model.schema } : {}),
      primaryKey: model.primaryKey, columns, relations,
    };
  });
  return { orm: 'prisma', models };
}
