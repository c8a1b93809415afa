import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlOfRequest } from '../read.js';
import { checkOrigin, Refusal, type Send } from './endpoint.js';
import { findMissingIndexes } from './missing-indexes.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads the stored requests as details (the routes own the store and the options). */
export type ReadDetails = (requestId: string | null) => Promise<SqlOfRequest[] | null>;

/**
 * `GET {mountPath}/api/sql/indexes[?requestId=…]`: the missing indexes across the stored requests (or
 * one request's queries), ranked by the time of the queries they would serve. It runs EXPLAINs on
 * the app's databases, so it asks for what `/api/sql/explain` asks: the `X-Debug-Toolbar: 1` header,
 * a same-origin `Origin` when one is sent, no cross-site `Sec-Fetch-Site` (403 otherwise); 400 for
 * a malformed requestId, 404 for an unknown one, 405 for anything but GET.
 */
export async function serveIndexes(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, read: ReadDetails, send: Send): Promise<void> {
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return send(res, 405, { error: `${req.method} is not allowed here; GET with the X-Debug-Toolbar: 1 header` });
  }
  try {
    checkOrigin(req);
    const keys = [...query.keys()].filter((key) => key !== 'requestId');
    if (keys.length > 0) throw new Refusal(400, `unexpected ${keys.map((key) => JSON.stringify(key)).join(', ')}: only requestId is accepted`);
    const requestId = query.get('requestId');
    if (requestId !== null && !REQUEST_ID.test(requestId)) throw new Refusal(400, 'requestId must be a toolbar request id');
    const details = await read(requestId);
    if (details === null) throw new Refusal(404, `no recorded request with id ${JSON.stringify(requestId)}`);
    send(res, 200, await findMissingIndexes(details));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    send(res, error.status, { error: error.message });
  }
}
