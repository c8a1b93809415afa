import type { OrmName } from '../orm/schema.js';
import { instrumentPrismaCalls } from './prisma.js';
import { instrumentTypeormCalls } from './typeorm.js';
import { instrumentDrizzleCalls } from './drizzle.js';

/**
 * The ORM objects of `instrument` (see `OrmInstrumentable` in ../orm/index.ts) whose calls are
 * wrapped. Their queries still reach the toolbar through the driver underneath (`pg`, `mysql2`);
 * the hook adds the call site of each ORM call (this folder) to them. Sequelize has none: its
 * queries run where they are called, so their own stacks already name the call site.
 */
export const ORM_CALL_HOOKS: Partial<Record<OrmName, (orm: unknown) => void>> = {
  prisma: instrumentPrismaCalls,
  typeorm: instrumentTypeormCalls,
  drizzle: instrumentDrizzleCalls,
};
