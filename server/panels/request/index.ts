import type { ServerPanel } from '../panel.js';
import { finishRequestData, startRequestData, type RequestState } from './capture.js';
import type { RequestData } from './types.js';

/**
 * The Request panel's data: the route that answered and its params, the query, the parsed
 * request body and the JSON response body (bounded, redacted by the `redactNames` rules), cookie
 * names and session keys. The headers are the core record's (`requestHeaders`, `responseHeaders`).
 */
export const requestPanel: ServerPanel<RequestState, RequestData> = {
  id: 'request',
  title: 'Request',
  // Tasks, socket events and background work have no HTTP request.
  start: ({ req, res }) => (req && res ? startRequestData(req, res) : undefined),
  finish: (state, { req, live }, redaction) => (req
    ? finishRequestData(state, req, redaction, live.redactUrl && { raw: state.startUrl, redacted: live.url, redactUrl: live.redactUrl })
    : undefined),
};
