import { ownerOf, patchMethod, reportHookError } from '../../../instrument/patch.js';
import type { RequestContext } from '../../../request/context.js';
import { ormCallContext, runIn, setKeys, type OrmCallInfo } from './call.js';

/*
 * TypeORM's calls: every repository and EntityManager method (a repository delegates to its
 * manager), and the query builders' execution methods. Its async functions keep the user's frames
 * when awaited at once, but not a promise awaited later, a `.then` chain or a lazy relation; and
 * one `save` runs many statements (cascades) that are one call of the user's. So each call runs
 * in a context with the frames of its caller and the call itself: model, method, and the
 * relations it loads (`relations`, or the builder's `leftJoinAndSelect`s).
 */

const MANAGER_METHODS = [
  'find', 'findBy', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy',
  'count', 'countBy', 'exists', 'existsBy', 'sum', 'average', 'minimum', 'maximum', 'preload',
  'save', 'remove', 'softRemove', 'recover', 'insert', 'update', 'upsert', 'delete', 'softDelete', 'restore',
  'increment', 'decrement', 'query',
];
const SELECT_METHODS = ['getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne', 'getManyAndCount', 'getCount', 'getExists', 'stream'];
const FIND_WITH_OPTIONS = new Set(['find', 'findOne', 'findOneOrFail', 'findAndCount']);

interface Manager {
  connection?: { getMetadata?: (target: unknown) => { name?: string } };
}

interface Builder {
  expressionMap?: {
    mainAlias?: { name?: string; hasMetadata?: boolean; metadata?: { name?: string } };
    joinAttributes?: Array<{ isSelected?: boolean; parentAlias?: string; relationPropertyPath?: string }>;
  };
}

function entityName(manager: Manager, target: unknown): string | undefined {
  try {
    return manager.connection?.getMetadata?.(target)?.name;
  } catch {
    return typeof target === 'string' ? target : (target as { name?: string } | null)?.name;
  }
}

function managerCall(manager: Manager, method: string, args: unknown[]): OrmCallInfo {
  const info: OrmCallInfo = { orm: 'typeorm', method };
  if (method === 'query') return info;
  const model = entityName(manager, args[0]);
  if (model) info.model = model;
  if (FIND_WITH_OPTIONS.has(method)) {
    const loads = setKeys((args[1] as { relations?: unknown } | undefined)?.relations);
    if (loads.length > 0) info.loads = loads;
  }
  return info;
}

/** The relations a builder selects with its main entity: `.leftJoinAndSelect('article.author', …)` → author. */
function builderLoads(builder: Builder): string[] {
  const map = builder.expressionMap;
  const main = map?.mainAlias?.name;
  return [...new Set((map?.joinAttributes ?? [])
    .filter((join) => join.isSelected && join.parentAlias === main && join.relationPropertyPath)
    .map((join) => join.relationPropertyPath!.split('.')[0]))];
}

function builderCall(builder: Builder, method: string): OrmCallInfo {
  const info: OrmCallInfo = { orm: 'typeorm', method };
  const alias = builder.expressionMap?.mainAlias;
  if (alias?.hasMetadata && alias.metadata?.name) info.model = alias.metadata.name;
  const loads = builderLoads(builder);
  if (loads.length > 0) info.loads = loads;
  return info;
}

function wrapCall(owner: object, method: string, describe: (self: any, args: unknown[]) => OrmCallInfo, enrich?: (self: any, context: RequestContext) => void): void {
  patchMethod(owner, method, (original) => function typeormCall(this: unknown, ...args: unknown[]) {
    let context: RequestContext | null = null;
    try {
      context = ormCallContext(describe(this, args), typeormCall);
      if (context && enrich) enrich(this, context);
    } catch (error) {
      reportHookError(error);
    }
    return runIn(context, () => original.apply(this, args));
  });
}

/** Inside a repository's `find`, its builder knows the joins `relations` turned into. */
function fillLoads(builder: Builder, context: RequestContext): void {
  const call = context.ormCall;
  if (call?.orm !== 'typeorm' || call.loads) return;
  const loads = builderLoads(builder);
  if (loads.length > 0) call.loads = loads;
}

/**
 * Captures, at each repository/EntityManager call and query-builder execution of a TypeORM
 * DataSource, the user's call site and the call, and attaches them to the SQL it runs. Works on
 * the classes, so every DataSource of that TypeORM copy is covered; throws a TypeError when
 * `dataSource` is not one.
 *
 * @example
 * instrumentTypeormCalls(dataSource); // instrument: { pg, typeorm: dataSource }
 */
export function instrumentTypeormCalls(dataSource: unknown): void {
  const source = dataSource as { manager?: object; createQueryBuilder?: () => any } | null;
  if (!source || typeof source !== 'object' || !source.manager || typeof source.createQueryBuilder !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.typeorm` must be a TypeORM DataSource (new DataSource({ … }))');
  }
  const manager = ownerOf(Object.getPrototypeOf(source.manager), 'find');
  for (const method of MANAGER_METHODS) {
    if (manager) wrapCall(manager, method, (self: Manager, args) => managerCall(self, method, args));
  }
  const select = source.createQueryBuilder();
  const selectPrototype = Object.getPrototypeOf(select);
  for (const method of SELECT_METHODS) {
    const owner = ownerOf(selectPrototype, method);
    if (owner) wrapCall(owner, method, (self: Builder) => builderCall(self, method), fillLoads);
  }
  for (const make of ['insert', 'update', 'delete', 'softDelete', 'restore'] as const) {
    const builder = typeof select[make] === 'function' ? select[make]() : null;
    const owner = builder && ownerOf(Object.getPrototypeOf(builder), 'execute');
    if (owner && owner !== ownerOf(selectPrototype, 'execute')) wrapCall(owner, 'execute', (self: Builder) => builderCall(self, make));
  }
}
