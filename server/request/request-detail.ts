import type { StoredRequest } from './record.js';
import type { RequestDetail, RequestSummary } from '../types.js';
import { toRequestError } from './request-error.js';
import { panelDetails, panelSummaries } from '../panels/lifecycle.js';
import type { PanelSettings } from '../panels/panel.js';

/*
 * The read path. Recording stays cheap by deriving everything here, when somebody looks: the core
 * gives what it recorded of the request itself, each panel its fields of the list line and its
 * part of the detail (server/panels/panel.ts `summary`, `detail`), cached by the panels.
 */

/** What the read path needs from the options. */
export type DetailSettings = PanelSettings;

/** The id of the redirect that led to a request, from `redirectSources(history)`. */
export type RedirectLookup = (request: StoredRequest) => string | undefined;

/** One line of the request list, the panels' fields included. */
export function toSummary(request: StoredRequest, settings: DetailSettings, redirectFrom?: RedirectLookup): RequestSummary {
  // Not cached: the redirect may be stored after the request it led to (both finish at once).
  const redirectedFrom = redirectFrom?.(request);
  return {
    id: request.id,
    ...(request.kind ? { kind: request.kind } : {}),
    method: request.method,
    url: request.url,
    status: request.status,
    startedAt: request.startedAt,
    durationMs: request.durationMs,
    contentType: request.contentType,
    ...(panelSummaries(request, settings) as Pick<RequestSummary, 'queryCount' | 'duplicateCount' | 'nPlusOneCount'>),
    ...(request.location !== undefined ? { location: request.location } : {}),
    ...(redirectedFrom !== undefined ? { redirectedFrom } : {}),
    ...(request.replayedFrom !== undefined ? { replayedFrom: request.replayedFrom } : {}),
    ...(request.error !== undefined ? { error: toRequestError(request.error) } : {}),
  };
}

/** Everything the panel shows about one request; `redirectFrom` links it to the redirect that led here. */
export function toDetail(request: StoredRequest, settings: DetailSettings, redirectFrom?: RedirectLookup): RequestDetail {
  return {
    ...toSummary(request, settings, redirectFrom),
    ...(request.requestHeaders ? { requestHeaders: request.requestHeaders } : {}),
    ...(request.responseHeaders ? { responseHeaders: request.responseHeaders } : {}),
    panels: panelDetails(request, settings),
  };
}
