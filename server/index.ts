/**
 * express-debug-toolbar: an in-browser debug toolbar for Express 4 and 5.
 *
 * @example
 * import express from 'express';
 * import pg from 'pg';
 * import { debugToolbar } from 'express-debug-toolbar';
 *
 * const app = express();
 * app.use(debugToolbar({ instrument: { pg } }));
 */
export { debugToolbar, type DebugToolbarMiddleware } from './middleware.js';
export { recordTask, type TaskName } from './units/task.js';
export { type DebugToolbarOptions } from './options.js';
export { isLoopbackRequest } from './security/allow.js';
export { DEFAULT_REDACT_COLUMNS, DEFAULT_REDACT_NAMES } from './security/redact.js';
export { DEFAULT_REDACT_PATH_AFTER } from './security/redact-url.js';
export { memoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { redisStore, type RedisStoreOptions } from './store/redis-store.js';
export type { Store } from './store/store.js';
export type { StoredRequest, CapturedQuery, UnitKind } from './request/record.js';
export type { Instrumentable } from './panels/sql/index.js';
export type { OrmInstrumentable, OrmSchema, OrmModel, OrmRelation } from './panels/sql/orm/index.js';
export type * from './types.js';
