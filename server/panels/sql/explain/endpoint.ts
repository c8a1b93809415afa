import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../../../store/store.js';
import type { CapturedQuery } from '../../../request/record.js';
import type { ExplainRequest, ExplainResponse } from '../../../types.js';
import { toPlanNodes, planText } from './plan-node.js';
import { runExplain, StatementRefused, TransactionEscaped } from './run.js';
import { ExplainBusy } from './limiter.js';
import { checkStatement } from './statement.js';
import { adviseExplain } from './advise.js';
import { whatIfAvailability } from './what-if.js';
import { explainTarget } from './targets.js';

/** A body bigger than this is not an `{ requestId, queryId, analyze }`. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The header a page can only send through fetch/XHR, which a cross-site form or image cannot. */
export const CSRF_HEADER = 'x-debug-toolbar';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEYS = new Set(['requestId', 'queryId', 'analyze']);

export type Send = (res: ServerResponse, status: number, body: unknown) => void;

/** A refusal with its status: everything before the database answers with one of these, never a 500. */
export class Refusal extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The endpoint changes nothing, but it runs statements on the app's database: a page on another
 * origin must not be able to trigger it (django-debug-toolbar's CVE-2021-30459 was the SQL panel
 * trusting the browser). A custom header forces a CORS preflight, which the toolbar never answers.
 */
export function checkOrigin(req: IncomingMessage): void {
  if (header(req, CSRF_HEADER) !== '1') throw new Refusal(403, `the ${CSRF_HEADER.replace(/\b\w/g, (c) => c.toUpperCase())}: 1 header is required`);
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host === null || host !== header(req, 'host')) throw new Refusal(403, `cross-origin request from ${origin} refused`);
  }
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new Refusal(403, `cross-site request (${site}) refused`);
}

export function checkContentType(req: IncomingMessage): void {
  const type = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new Refusal(415, 'Content-Type must be application/json');
}

/** The body, up to {@link MAX_BODY_BYTES}; a body parser that ran before us may have read it already. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const parsed = req as IncomingMessage & { _body?: boolean; body?: unknown };
  if (parsed._body === true) return parsed.body;
  if (Number(header(req, 'content-length') ?? 0) > MAX_BODY_BYTES) throw new Refusal(413, `the body is over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'the body is not valid JSON');
  }
}

/** Only `{ requestId, queryId, analyze? }`: the SQL and its params come from the stored record, never from here. */
export function parseExplainRequest(body: unknown): ExplainRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(400, 'the body must be a JSON object');
  const extra = Object.keys(body).filter((key) => !KEYS.has(key));
  if (extra.length > 0) {
    throw new Refusal(400, `unexpected ${extra.map((key) => JSON.stringify(key)).join(', ')}: only requestId, queryId and analyze are accepted; the SQL comes from the record`);
  }
  const { requestId, queryId, analyze } = body as Record<string, unknown>;
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) throw new Refusal(400, 'requestId must be a toolbar request id');
  if (typeof queryId !== 'number' || !Number.isSafeInteger(queryId) || queryId < 1) throw new Refusal(400, 'queryId must be a positive integer');
  if (analyze !== undefined && typeof analyze !== 'boolean') throw new Refusal(400, 'analyze must be a boolean');
  return { requestId, queryId, analyze: analyze === true };
}

/** The stored query the ids name: 404 when the request or the query is not kept, 503 when the store fails. */
export async function storedQuery(store: Store, requestId: string, queryId: number): Promise<CapturedQuery> {
  let request;
  try {
    request = await store.get(requestId);
  } catch (error) {
    throw new Refusal(503, `the request store failed to answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!request) throw new Refusal(404, `no recorded request with id ${JSON.stringify(requestId)}`);
  const query = request.queries.find((q) => q.id === queryId);
  if (!query) throw new Refusal(404, `request ${requestId} has no stored query ${queryId}`);
  return query;
}

async function explain(req: IncomingMessage, store: Store): Promise<ExplainResponse> {
  checkOrigin(req);
  checkContentType(req);
  const { requestId, queryId, analyze = false } = parseExplainRequest(await readBody(req));
  const query = await storedQuery(store, requestId, queryId);
  const target = explainTarget(query.db.explainKey);
  if (!target) {
    throw new Refusal(422, `EXPLAIN is not available for this query: the ${query.db.driver} driver registered no connection to explain it with`);
  }
  if (analyze && target.dialect === 'sqlite') {
    throw new Refusal(400, 'SQLite has no EXPLAIN ANALYZE; EXPLAIN QUERY PLAN (without analyze) never runs the statement');
  }
  if (analyze && query.redacted) {
    throw new Refusal(422, 'cannot EXPLAIN ANALYZE this query: values bound to secret columns were stored as [redacted], and ANALYZE would run it with those; a plain EXPLAIN shows the plan');
  }
  const check = checkStatement(query.sql, target.dialect, analyze);
  if (!check.ok) throw new Refusal(400, `cannot ${analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN'} this query: ${check.reason}`);
  let outcome;
  try {
    outcome = await runExplain(target, query.sql, query.params, analyze);
  } catch (error) {
    if (error instanceof ExplainBusy) throw new Refusal(429, error.message, { 'Retry-After': '1' });
    if (error instanceof StatementRefused || error instanceof TransactionEscaped) {
      throw new Refusal(400, `cannot ${analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN'} this query: ${error.message}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    // MariaDB (errno 1792) refuses even a plain EXPLAIN of a write inside START TRANSACTION READ ONLY.
    const hint = !check.readOnly && /READ ONLY transaction/i.test(message)
      ? ' (this database will not EXPLAIN a write inside a read-only transaction, and the toolbar runs EXPLAIN in no other)' : '';
    const redacted = query.redacted ? ' (the query\'s secret values were stored as [redacted], and the EXPLAIN ran with that text in their place)' : '';
    throw new Refusal(502, `the database refused the EXPLAIN: ${message}${hint}${redacted}`);
  }
  const { suggestions, notes } = await adviseExplain(target, outcome);
  if (outcome.nodes.length === 0 && target.dialect === 'sqlite') {
    notes.unshift('SQLite\'s EXPLAIN QUERY PLAN lists only the tables a statement reads and how; this statement reads none (an INSERT … VALUES writes without reading), so there is no plan to show.');
  }
  return {
    dialect: target.dialect, plan: outcome.plan, text: planText(toPlanNodes(outcome.nodes)), nodes: toPlanNodes(outcome.nodes),
    suggestions, notes, analyzed: analyze, whatIf: whatIfAvailability(query, target, suggestions),
  };
}

/**
 * `POST {mountPath}/api/sql/explain` with `{ requestId, queryId, analyze? }`: 200 with an
 * {@link ExplainResponse}; 400 bad body or statement, 403 cross-origin or no `X-Debug-Toolbar: 1`,
 * 404 unknown request or query, 405 not POST, 413 body over 16 KB, 415 not JSON, 422 no EXPLAIN
 * target for the query's connection or ANALYZE of a query whose secrets were redacted, 429 the
 * database already has its EXPLAIN connections busy (Retry-After), 502 the database failed the
 * EXPLAIN, 503 the store failed.
 */
export function serveExplain(req: IncomingMessage, res: ServerResponse, store: Store, send: Send): Promise<void> {
  return answerPost(req, res, send, '{ requestId, queryId, analyze? }', () => explain(req, store));
}

/**
 * A POST-only JSON endpoint: 405 with `Allow` for other methods, 200 with what `answer` returns,
 * and a {@link Refusal}'s status, headers and message as a JSON error. Other errors are the caller's.
 */
export async function answerPost(req: IncomingMessage, res: ServerResponse, send: Send, usage: string, answer: () => Promise<unknown>): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, { error: `${req.method} is not allowed here; POST ${usage}` });
  }
  try {
    send(res, 200, await answer());
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    if (!req.complete) {
      // Refused before the body was read: do not read a big one, and do not leave it on the socket.
      res.setHeader('Connection', 'close');
      req.resume();
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    send(res, error.status, { error: error.message });
  }
}
