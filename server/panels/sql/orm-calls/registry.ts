import { instrumentPrismaCalls } from './prisma.js';
import { instrumentTypeormCalls } from './typeorm.js';
import { instrumentDrizzleCalls } from './drizzle.js';

/**
 * The ORM objects `instrument` takes besides the drivers. Their queries still reach the toolbar
 * through the driver underneath (`pg`, `mysql2`); the object adds the call site of each ORM call
 * (this folder) and the schema fixes name things from (../orm/).
 */
export interface OrmInstrumentable {
  /** The PrismaClient: `instrument: { pg, prisma }`. */
  prisma?: unknown;
  /** The TypeORM DataSource: `instrument: { mysql2, typeorm: dataSource }`. */
  typeorm?: unknown;
  /** The drizzle db, made with its schema: `instrument: { pg, drizzle: db }`. */
  drizzle?: unknown;
}

export const ORM_CALL_HOOKS: Record<keyof OrmInstrumentable, (orm: unknown) => void> = {
  prisma: instrumentPrismaCalls,
  typeorm: instrumentTypeormCalls,
  drizzle: instrumentDrizzleCalls,
};
