/** The SQL panel's part of a request (`detail.panels.sql`), with the list line's counts it shows beside it. */
import type { RequestDetail, SqlDetail } from '../../../server/types.js';

/** What the SQL tab reads: its part of the detail and the request's SQL counts. */
export type SqlView = SqlDetail & Pick<RequestDetail, 'id' | 'queryCount' | 'afterResponseCount' | 'overBudget'>;

const NONE: SqlDetail = { queries: [], droppedQueryCount: 0, totalQueryMs: 0, duplicates: [], similar: [], nPlusOne: [], queryBudget: 0 };

/**
 * The SQL of a request; empty when the server sent none (a record from an older version).
 *
 * @example
 * sqlView(detail).nPlusOne.length
 */
export function sqlView(detail: RequestDetail): SqlView {
  const { id, queryCount, afterResponseCount, overBudget } = detail;
  return { ...(detail.panels.sql ?? NONE), id, queryCount, afterResponseCount, overBudget };
}
