import type { LiveRequest } from './record.js';
import type { OrmCall } from '../types.js';

/*
 * The ORM calls of a request are numbered in the order they start, so that the queries of one call
 * (a Prisma include, a TypeORM relation load) are told apart from the next call's. Both the ORM
 * hooks (server/panels/sql/orm-calls/) and the await-time frame capture (server/stack/) number them.
 */

const callCounts = new WeakMap<LiveRequest, number>();

/** The next call id of a request: 1, 2, 3… */
export function nextOrmCallId(request: LiveRequest): number {
  const id = (callCounts.get(request) ?? 0) + 1;
  callCounts.set(request, id);
  return id;
}

/** What a hook knows of a call when it starts: everything but the id. */
export type OrmCallInfo = Omit<OrmCall, 'id'>;
