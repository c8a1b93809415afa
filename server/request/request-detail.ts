import type { StoredRequest } from './record.js';
import type { QueryRecord, RequestDetail, RequestSummary } from '../types.js';
import { fingerprint } from '../panels/sql/fingerprint.js';
import { analyzeSql } from '../panels/sql/findings.js';
import { toCallSite } from '../stack/source-map.js';
import { toRequestError } from './request-error.js';
import { buildTemplates, buildTimeline, queryOwners } from '../panels/timeline/timeline-tree.js';
import { panelDetails } from '../panels/lifecycle.js';

/*
 * The read path. Recording stays cheap by deriving everything here, when somebody looks:
 * fingerprints, call sites (with source maps) and groups. Results are cached per stored request.
 */

const details = new WeakMap<StoredRequest, RequestDetail>();

function toQueryRecord(query: StoredRequest['queries'][number]): QueryRecord {
  const { frames, ...rest } = query;
  const record: QueryRecord = { ...rest, fingerprint: fingerprint(query.sql), callSite: toCallSite(frames) };
  if (record.error === undefined) delete record.error;
  return record;
}

/** What the read path needs from the options. */
export interface DetailSettings {
  queryBudget: number;
  /** Default 3. */
  nPlusOneThreshold?: number;
  /** Default: no editor links. */
  editorUrl?: string;
  /** The `instrument` option, whose ORM object names the models in fixes. */
  instrument?: object;
}

/** The id of the redirect that led to a request, from `redirectSources(history)`. */
export type RedirectLookup = (request: StoredRequest) => string | undefined;

/** Everything the panel shows about one request; `redirectFrom` links it to the redirect that led here. */
export function toDetail(request: StoredRequest, settings: DetailSettings, redirectFrom?: RedirectLookup): RequestDetail {
  const detail = derive(request, settings);
  // Not cached: the redirect may be stored after the request it led to (both finish at once).
  const redirectedFrom = redirectFrom?.(request);
  return redirectedFrom === undefined ? detail : { ...detail, redirectedFrom };
}

function derive(request: StoredRequest, settings: DetailSettings): RequestDetail {
  const cached = details.get(request);
  if (cached) return cached;
  const queries = request.queries.map(toQueryRecord);
  const owners = queryOwners(request, queries);
  const framesById = new Map(request.queries.map((captured) => [captured.id, captured.frames]));
  const { duplicates, similar, nPlusOne } = analyzeSql(queries, (q) => framesById.get(q.id) ?? [], settings);
  const detail: RequestDetail = {
    id: request.id,
    ...(request.kind ? { kind: request.kind } : {}),
    method: request.method,
    url: request.url,
    status: request.status,
    startedAt: request.startedAt,
    durationMs: request.durationMs,
    contentType: request.contentType,
    queryCount: request.queryCount - (request.afterResponseCount ?? 0),
    ...(request.afterResponseCount ? { afterResponseCount: request.afterResponseCount } : {}),
    duplicateCount: duplicates.reduce((sum, group) => sum + group.count - 1, 0),
    nPlusOneCount: nPlusOne.length,
    ...(request.location !== undefined ? { location: request.location } : {}),
    ...(request.replayedFrom !== undefined ? { replayedFrom: request.replayedFrom } : {}),
    ...(request.error !== undefined ? { error: toRequestError(request.error) } : {}),
    ...(request.requestHeaders ? { requestHeaders: request.requestHeaders } : {}),
    ...(request.responseHeaders ? { responseHeaders: request.responseHeaders } : {}),
    queries,
    droppedQueryCount: request.queryCount - queries.length,
    totalQueryMs: queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0),
    duplicates,
    similar,
    nPlusOne,
    queryBudget: settings.queryBudget,
    overBudget: request.queryCount - (request.afterResponseCount ?? 0) > settings.queryBudget,
    timeline: buildTimeline(request, queries, owners),
    templates: buildTemplates(request, queries, owners),
    panels: panelDetails(request),
  };
  // A query still running when the response ended will finish later: derive again until then.
  if (request.queries.every((q) => q.durationMs !== null)) details.set(request, detail);
  return detail;
}

/** One line of the request list. */
export function toSummary(request: StoredRequest, settings: DetailSettings, redirectFrom?: RedirectLookup): RequestSummary {
  const {
    id, method, url, status, startedAt, durationMs, contentType, queryCount, duplicateCount, nPlusOneCount, overBudget,
    location, redirectedFrom, replayedFrom, error, afterResponseCount, kind,
  } = toDetail(request, settings, redirectFrom);
  const summary: RequestSummary = {
    id, ...(kind ? { kind } : {}), method, url, status, startedAt, durationMs, contentType, queryCount, duplicateCount, nPlusOneCount,
  };
  if (afterResponseCount !== undefined) summary.afterResponseCount = afterResponseCount;
  // Sparse like the other optional fields: a list line only says so when the request is over budget.
  if (overBudget) summary.overBudget = true;
  if (location !== undefined) summary.location = location;
  if (redirectedFrom !== undefined) summary.redirectedFrom = redirectedFrom;
  if (replayedFrom !== undefined) summary.replayedFrom = replayedFrom;
  if (error !== undefined) summary.error = error;
  return summary;
}
