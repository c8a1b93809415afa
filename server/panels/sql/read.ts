import type { StoredRequest } from '../../request/record.js';
import type { QueryRecord, RequestSummary, SqlDetail } from '../../types.js';
import { toCallSite } from '../../stack/source-map.js';
import { fingerprint } from './fingerprint.js';
import { analyzeSql } from './findings.js';
import type { PanelSettings } from '../panel.js';

/*
 * The SQL panel's read path. Recording stays cheap by deriving everything here, when somebody
 * looks: fingerprints, call sites (with source maps) and findings, once per stored request.
 */

/** The SQL panel's part of a request with what names the request: what Hotspots and missing indexes read. */
export interface SqlOfRequest extends SqlDetail, Pick<RequestSummary, 'id' | 'method' | 'url' | 'startedAt' | 'queryCount'> {}

/**
 * By the settings that read them, then by record: a store (the background stream, one
 * `memoryStore()` passed to two toolbars) may serve one record to toolbars whose N+1 threshold,
 * budget and ORM objects differ.
 */
const reads = new WeakMap<SqlReadSettings, WeakMap<StoredRequest, SqlOfRequest>>();

function toQueryRecord(query: StoredRequest['queries'][number]): QueryRecord {
  const { frames, ...rest } = query;
  const record: QueryRecord = { ...rest, fingerprint: fingerprint(query.sql, query.db.dialect), callSite: toCallSite(frames) };
  if (record.error === undefined) delete record.error;
  return record;
}

/** What the SQL read path takes from the toolbar's settings. */
export type SqlReadSettings = Pick<PanelSettings, 'nPlusOneThreshold' | 'queryBudget' | 'editorUrl' | 'instrument'>;

/**
 * A stored request's queries as the panel shows them, with their findings; cached per record once
 * every query has finished (one still running when the response ended finishes later).
 *
 * @example
 * readSql(record, settings).nPlusOne.length
 */
export function readSql(request: StoredRequest, settings: SqlReadSettings): SqlOfRequest {
  let bySettings = reads.get(settings);
  if (!bySettings) reads.set(settings, (bySettings = new WeakMap()));
  const cached = bySettings.get(request);
  if (cached) return cached;
  const queries = request.queries.map(toQueryRecord);
  const framesById = new Map(request.queries.map((captured) => [captured.id, captured.frames]));
  const { duplicates, similar, nPlusOne } = analyzeSql(queries, (q) => framesById.get(q.id) ?? [], settings);
  const read: SqlOfRequest = {
    id: request.id,
    method: request.method,
    url: request.url,
    startedAt: request.startedAt,
    queryCount: request.queryCount - (request.afterResponseCount ?? 0),
    queries,
    droppedQueryCount: request.queryCount - queries.length,
    totalQueryMs: queries.reduce((sum, q) => sum + (q.durationMs ?? 0), 0),
    duplicates,
    similar,
    nPlusOne,
    queryBudget: settings.queryBudget,
  };
  if (request.queries.every((q) => q.durationMs !== null)) bySettings.set(request, read);
  return read;
}

/** The SQL panel's fields of a request's list line. */
export function sqlSummary(request: StoredRequest, settings: SqlReadSettings) {
  const read = readSql(request, settings);
  return {
    queryCount: read.queryCount,
    ...(request.afterResponseCount ? { afterResponseCount: request.afterResponseCount } : {}),
    duplicateCount: read.duplicates.reduce((sum, group) => sum + group.count - 1, 0),
    nPlusOneCount: read.nPlusOne.length,
    // Sparse like the other optional fields: a list line only says so when the request is over budget.
    ...(read.queryCount > settings.queryBudget ? { overBudget: true } : {}),
  };
}

/** `detail.panels.sql`. */
export function sqlDetail(request: StoredRequest, settings: SqlReadSettings): SqlDetail {
  const { id: _id, method: _method, url: _url, startedAt: _startedAt, queryCount: _count, ...detail } = readSql(request, settings);
  return detail;
}
