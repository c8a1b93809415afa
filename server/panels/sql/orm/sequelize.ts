import type { OrmColumn, OrmModel, OrmRelation, OrmSchema } from './schema.js';

/*
 * Sequelize v6 keeps everything a fix needs on the instance: `sequelize.models` by name, each
 * model's table (`getTableName()`), attributes with their columns (`rawAttributes[a].field`) and
 * associations by alias (`Model.associations[as]`, with `foreignKey`, `identifierField`, and for
 * belongsToMany the join model in `through.model`).
 */

interface SequelizeAttribute { field?: string; type?: { key?: string } }
interface SequelizeModel {
  name: string;
  getTableName(): string | { tableName: string; schema?: string };
  primaryKeyAttributes?: string[];
  rawAttributes?: Record<string, SequelizeAttribute>;
  associations?: Record<string, SequelizeAssociation>;
}
interface SequelizeAssociation {
  associationType: string;
  as: string;
  target: SequelizeModel;
  identifierField?: string;
  foreignIdentifierField?: string;
  sourceKeyField?: string;
  targetKeyField?: string;
  through?: { model?: SequelizeModel };
  /** The instance methods the association adds, by kind: `{ get: 'getComments', count: 'countComments', … }`. */
  accessors?: Record<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The models of a Sequelize instance, or null when `orm` is not one. */
function modelsOf(orm: unknown): SequelizeModel[] | null {
  if (!isObject(orm) || !isObject(orm.models) || typeof orm.define !== 'function') return null;
  return Object.values(orm.models).filter((m): m is SequelizeModel => typeof m === 'function' && typeof (m as { getTableName?: unknown }).getTableName === 'function');
}

function tableOf(model: SequelizeModel): { table: string; schema?: string } {
  const name = model.getTableName();
  if (typeof name === 'string') return { table: name };
  return { table: name.tableName, ...(name.schema ? { schema: name.schema } : {}) };
}

/** The column behind an attribute: its `field`, or the attribute's own name. */
function columnOf(model: SequelizeModel, attribute: string): string {
  return model.rawAttributes?.[attribute]?.field ?? attribute;
}

function columnsOf(model: SequelizeModel): OrmColumn[] {
  return Object.entries(model.rawAttributes ?? {})
    .filter(([, attribute]) => attribute.type?.key !== 'VIRTUAL')
    .map(([property, attribute]) => ({ property, column: attribute.field ?? property }));
}

function relationOf(source: SequelizeModel, association: SequelizeAssociation): OrmRelation | null {
  const accessors = isObject(association.accessors) ? { accessors: { ...association.accessors } } : {};
  const base = { name: association.as, source: source.name, target: association.target.name, ...accessors };
  switch (association.associationType) {
    case 'BelongsTo':
      return { ...base, kind: 'belongs-to', sourceColumn: association.identifierField!, targetColumn: association.targetKeyField! };
    case 'HasOne':
    case 'HasMany':
      return {
        ...base, kind: association.associationType === 'HasOne' ? 'has-one' : 'has-many',
        sourceColumn: association.sourceKeyField!, targetColumn: association.identifierField!,
      };
    case 'BelongsToMany': {
      const through = association.through?.model;
      if (!through) return null;
      return {
        ...base, kind: 'many-to-many', sourceColumn: association.sourceKeyField!, targetColumn: association.targetKeyField!,
        through: {
          table: tableOf(through).table, model: through.name,
          sourceColumn: association.identifierField!, targetColumn: association.foreignIdentifierField!,
        },
      };
    }
    default:
      return null;
  }
}

/**
 * Models, tables, columns and associations (with their aliases) of a Sequelize instance, as the
 * app defined them; null when `orm` is not a Sequelize instance.
 *
 * @example
 * Article.belongsTo(User, { as: 'author', foreignKey: 'author_id' });
 * readSequelizeSchema(sequelize)?.models.find((m) => m.name === 'Article')?.relations
 * // [{ name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' }]
 */
export function readSequelizeSchema(orm: unknown): OrmSchema | null {
  const models = modelsOf(orm);
  if (!models) return null;
  return {
    orm: 'sequelize',
    models: models.map((model): OrmModel => ({
      name: model.name,
      ...tableOf(model),
      primaryKey: (model.primaryKeyAttributes ?? []).map((attribute) => columnOf(model, attribute)),
      columns: columnsOf(model),
      relations: Object.values(model.associations ?? {})
        .map((association) => relationOf(model, association))
        .filter((relation): relation is OrmRelation => relation !== null),
    })),
  };
}

/**
 * What changes when the app defines more models or associations: the schema is read again then.
 *
 * @example
 * sequelizeSchemaVersion(sequelize) // '5:7'
 */
export function sequelizeSchemaVersion(orm: unknown): string {
  const models = modelsOf(orm) ?? [];
  return `${models.length}:${models.reduce((sum, m) => sum + Object.keys(m.associations ?? {}).length, 0)}`;
}
