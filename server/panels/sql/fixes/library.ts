import type { DbInfo, QueryLibrary, RawFrame } from '../../../types.js';

/**
 * Package folders that mean "this library built the query", checked on the last `node_modules`
 * segment of a frame's path so pnpm's `.pnpm/knex@3.1.0/node_modules/knex/…` counts as knex.
 * Prisma's driver adapters (`@prisma/adapter-pg`) and its generated client (`.prisma/client`)
 * both mean Prisma.
 */
const PACKAGES: ReadonlyArray<[prefix: string, library: QueryLibrary]> = [
  ['knex/', 'knex'],
  ['sequelize/', 'sequelize'],
  ['drizzle-orm/', 'drizzle-orm'],
  ['typeorm/', 'typeorm'],
  ['@prisma/', 'prisma'],
  ['.prisma/', 'prisma'],
  ['prisma/', 'prisma'],
];

const DRIVERS: Record<string, QueryLibrary> = {
  pg: 'pg', pglite: 'pglite', mysql2: 'mysql2', 'better-sqlite3': 'better-sqlite3', sqlite3: 'sqlite3',
};

const FALLBACK_BY_DIALECT: Record<DbInfo['dialect'], QueryLibrary> = { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };

/** The package a frame's file belongs to, or null for the user's own code. */
export function packageOf(file: string): string | null {
  const path = file.replace(/\\/g, '/');
  const at = path.lastIndexOf('/node_modules/');
  return at < 0 ? null : path.slice(at + '/node_modules/'.length);
}

/**
 * Which library issued a query, from its frames (innermost first): the innermost frame inside a
 * known ORM wins, so an ORM built on another (objection on knex) reads as the one below it;
 * otherwise the driver that ran it.
 *
 * @example
 * detectLibrary([{ file: '/app/node_modules/knex/lib/runner.js', … }], { dialect: 'postgres', driver: 'pg' }) // 'knex'
 */
export function detectLibrary(frames: readonly RawFrame[], db: Pick<DbInfo, 'dialect' | 'driver'>): QueryLibrary {
  for (const frame of frames) {
    const inPackage = packageOf(frame.file);
    if (inPackage === null) continue;
    for (const [prefix, library] of PACKAGES) {
      if (inPackage.startsWith(prefix)) return library;
    }
  }
  return DRIVERS[db.driver] ?? FALLBACK_BY_DIALECT[db.dialect] ?? 'pg';
}
