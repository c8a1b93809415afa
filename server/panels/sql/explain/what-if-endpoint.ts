import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../../../store/store.js';
import type { WhatIfRequest, WhatIfResponse } from '../../../types.js';
import { answerPost, checkContentType, checkOrigin, readBody, Refusal, storedQuery, type Send } from './endpoint.js';
import { ExplainBusy } from './limiter.js';
import { StatementRefused, TransactionEscaped } from './run.js';
import { checkStatement } from './statement.js';
import { explainTarget } from './targets.js';
import { IndexSurvived, runWhatIf, WhatIfFailed, WhatIfRefused } from './what-if.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEYS = new Set(['requestId', 'queryId']);

/** Only `{ requestId, queryId }`: the SQL, its params and the index all come from the toolbar's own record and catalog. */
export function parseWhatIfRequest(body: unknown): WhatIfRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(400, 'the body must be a JSON object');
  const extra = Object.keys(body).filter((key) => !KEYS.has(key));
  if (extra.length > 0) {
    throw new Refusal(400, `unexpected ${extra.map((key) => JSON.stringify(key)).join(', ')}: only requestId and queryId are accepted; the SQL and the index come from the record and the catalog`);
  }
  const { requestId, queryId } = body as Record<string, unknown>;
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) throw new Refusal(400, 'requestId must be a toolbar request id');
  if (typeof queryId !== 'number' || !Number.isSafeInteger(queryId) || queryId < 1) throw new Refusal(400, 'queryId must be a positive integer');
  return { requestId, queryId };
}

async function whatIf(req: IncomingMessage, store: Store): Promise<WhatIfResponse> {
  checkOrigin(req);
  checkContentType(req);
  const { requestId, queryId } = parseWhatIfRequest(await readBody(req));
  const query = await storedQuery(store, requestId, queryId);
  const target = explainTarget(query.db.explainKey);
  if (!target) throw new Refusal(422, `the what-if is not available for this query: the ${query.db.driver} driver registered no connection to explain it with`);
  const check = checkStatement(query.sql, target.dialect, false);
  if (!check.ok) throw new Refusal(400, `cannot EXPLAIN this query: ${check.reason}`);
  try {
    return await runWhatIf(target, query);
  } catch (error) {
    if (error instanceof ExplainBusy) throw new Refusal(429, error.message, { 'Retry-After': '1' });
    if (error instanceof WhatIfRefused) throw new Refusal(422, `the what-if is not offered for this query: ${error.message}`);
    if (error instanceof StatementRefused || error instanceof TransactionEscaped) throw new Refusal(400, `cannot EXPLAIN this query: ${error.message}`);
    if (error instanceof IndexSurvived) throw new Refusal(500, error.message);
    if (error instanceof WhatIfFailed) throw new Refusal(502, `the what-if failed: ${error.message}`);
    throw new Refusal(502, `the database refused the EXPLAIN: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `POST {mountPath}/api/sql/what-if` with `{ requestId, queryId }`: builds the query's index
 * suggestions inside a transaction that is rolled back and answers the plan and cost before and
 * after ({@link WhatIfResponse}). Same rules as `/api/sql/explain` (`X-Debug-Toolbar: 1`, same
 * origin, JSON, 16 KB, ids only): 400 bad body or statement, 403, 404, 405, 413, 415; 422 not
 * offered (MySQL/MariaDB, SQLite, no index to try, a table above the size limit); 429 busy;
 * 502 the database failed (nothing kept); 500 only if an index outlived the rollback.
 */
export function serveWhatIf(req: IncomingMessage, res: ServerResponse, store: Store, send: Send): Promise<void> {
  return answerPost(req, res, send, '{ requestId, queryId }', () => whatIf(req, store));
}
