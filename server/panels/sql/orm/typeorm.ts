import type { OrmModel, OrmRelation, OrmSchema } from './schema.js';

/*
 * TypeORM's metadata, read from the DataSource the app passed (`instrument: { typeorm }`): once
 * initialised, `dataSource.entityMetadatas` holds every entity with its table, columns
 * (`propertyPath` → `databaseName`) and relations (`propertyName`, `relationType`, the join
 * columns of the owning side, the junction table of a many-to-many). Junction tables TypeORM
 * creates for `@JoinTable` are entities of their own there (`tableType: 'junction'`): not models
 * the app can name, so left out.
 */

interface ColumnMetadata {
  propertyPath?: string;
  propertyName?: string;
  databaseName: string;
  referencedColumn?: ColumnMetadata;
  relationMetadata?: unknown;
}

interface RelationMetadata {
  propertyName: string;
  relationType: 'one-to-one' | 'one-to-many' | 'many-to-one' | 'many-to-many';
  isOwning?: boolean;
  entityMetadata: EntityMetadata;
  inverseEntityMetadata: EntityMetadata;
  inverseRelation?: RelationMetadata;
  joinColumns: ColumnMetadata[];
  inverseJoinColumns: ColumnMetadata[];
  junctionEntityMetadata?: EntityMetadata;
}

interface EntityMetadata {
  name: string;
  targetName?: string;
  tableName: string;
  tableType?: string;
  schema?: string;
  columns: ColumnMetadata[];
  primaryColumns: ColumnMetadata[];
  relations: RelationMetadata[];
}

const key = (columns: readonly ColumnMetadata[]) => columns[0];

function relationOf(relation: RelationMetadata): OrmRelation | null {
  const base = { name: relation.propertyName, source: relation.entityMetadata.name, target: relation.inverseEntityMetadata.name };
  const own = key(relation.joinColumns);
  const inverse = relation.inverseRelation;
  switch (relation.relationType) {
    case 'many-to-one':
    case 'one-to-one': {
      // The owning side holds the foreign key; the other side of a one-to-one reads it from its inverse.
      if (own?.referencedColumn) return { ...base, kind: 'belongs-to', sourceColumn: own.databaseName, targetColumn: own.referencedColumn.databaseName };
      const theirs = inverse && key(inverse.joinColumns);
      if (theirs?.referencedColumn) return { ...base, kind: 'has-one', sourceColumn: theirs.referencedColumn.databaseName, targetColumn: theirs.databaseName };
      return null;
    }
    case 'one-to-many': {
      const theirs = inverse && key(inverse.joinColumns);
      if (!theirs?.referencedColumn) return null;
      return { ...base, kind: 'has-many', sourceColumn: theirs.referencedColumn.databaseName, targetColumn: theirs.databaseName };
    }
    case 'many-to-many': {
      // The owning side (`@JoinTable`) has joinColumns (junction → source) and inverseJoinColumns
      // (junction → target); the other side reads them from its inverse, swapped.
      const owning = relation.joinColumns.length > 0 ? relation : inverse;
      if (!owning) return null;
      const toOwner = key(owning.joinColumns);
      const toOther = key(owning.inverseJoinColumns);
      const junction = owning.junctionEntityMetadata?.tableName ?? relation.junctionEntityMetadata?.tableName;
      if (!toOwner?.referencedColumn || !toOther?.referencedColumn || !junction) return null;
      const [toSource, toTarget] = owning === relation ? [toOwner, toOther] : [toOther, toOwner];
      return {
        ...base, kind: 'many-to-many', sourceColumn: toSource.referencedColumn!.databaseName, targetColumn: toTarget.referencedColumn!.databaseName,
        through: { table: junction, sourceColumn: toSource.databaseName, targetColumn: toTarget.databaseName },
      };
    }
    default:
      return null;
  }
}

/**
 * The entities, tables, columns and relations of a TypeORM DataSource, with the entity's own
 * property names (`author`, `comments`, `tags`). Null when `dataSource` has no entity metadata
 * (not a DataSource, or not initialised yet: `dataSource.initialize()` builds it).
 *
 * @example
 * readTypeormSchema(dataSource)?.models.find((m) => m.name === 'Article')?.relations
 * // [{ name: 'author', kind: 'belongs-to', source: 'Article', target: 'User', sourceColumn: 'author_id', targetColumn: 'id' }, …]
 */
export function readTypeormSchema(dataSource: unknown): OrmSchema | null {
  if (!dataSource || typeof dataSource !== 'object') return null;
  let metadatas: unknown;
  try {
    metadatas = (dataSource as { entityMetadatas?: unknown }).entityMetadatas;
  } catch {
    return null;
  }
  if (!Array.isArray(metadatas) || metadatas.length === 0) return null;
  const models: OrmModel[] = [];
  for (const entity of metadatas as EntityMetadata[]) {
    if (!entity || typeof entity.tableName !== 'string' || !Array.isArray(entity.columns)) return null;
    if (entity.tableType === 'junction') continue;
    models.push({
      name: entity.name,
      table: entity.tableName,
      ...(entity.schema ? { schema: entity.schema } : {}),
      primaryKey: entity.primaryColumns.map((c) => c.databaseName),
      // Columns with a property of their own (`authorId`); a relation's hidden join column has none.
      columns: entity.columns.filter((c) => !c.relationMetadata || c.propertyName !== undefined && !entity.relations.some((r) => r.propertyName === c.propertyName))
        .map((c) => ({ property: c.propertyPath ?? c.propertyName ?? c.databaseName, column: c.databaseName })),
      relations: entity.relations.map(relationOf).filter((r): r is OrmRelation => r !== null),
    });
  }
  return { orm: 'typeorm', models };
}
