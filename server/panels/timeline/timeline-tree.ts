import type { CapturedSpan, CapturedTemplate, StoredRequest } from '../../request/record.js';
import { mapFrame } from '../../stack/source-map.js';
import type { QueryRecord, TemplateRender, TimelineDetail, TimelineSpan } from '../../types.js';
import type { PanelSettings } from '../panel.js';
import { readSql } from '../sql/read.js';

/*
 * The read side of the timeline: one waterfall of the request, its layers, renders, HTTP calls and
 * queries, each query under the span that ran it. Pure: records in, JSON out.
 */

const MAX_NAME = 120;

function shorten(sql: string): string {
  return sql.length > MAX_NAME ? `${sql.slice(0, MAX_NAME - 3)}…` : sql;
}

/**
 * The span a query belongs to: the one whose async context issued it. That span may be over by
 * the time the query starts (a pg pool waiting for a free client, a query left running after
 * `next()`); it still ran the query, so the query stays its child, past its end if need be.
 */
function ownerOf(spanId: string | undefined, byId: Map<string, CapturedSpan>): string {
  return spanId !== undefined && byId.has(spanId) ? spanId : 'request';
}

/** The Timeline panel's part of the stored record (`record.panels.timeline`). */
export interface StoredTimeline {
  /** Middleware, handler, render, HTTP and milestone spans, in start order. */
  spans: CapturedSpan[];
}

/** The stored spans of a request; none when the timeline was off. */
export function storedSpans(request: StoredRequest): CapturedSpan[] {
  return (request.panels?.timeline as StoredTimeline | undefined)?.spans ?? [];
}

/** The stored renders of a request (`record.panels.templates`, the Templates panel's part). */
export function storedTemplates(request: StoredRequest): CapturedTemplate[] {
  return (request.panels?.templates as CapturedTemplate[] | undefined) ?? [];
}

/** `query id → span id` for every stored query. */
export function queryOwners(request: StoredRequest, queries: QueryRecord[]): Map<number, string> {
  const byId = new Map(storedSpans(request).map((span) => [span.id, span]));
  const owners = new Map<number, string>();
  for (const [index, query] of queries.entries()) {
    owners.set(query.id, ownerOf(request.queries[index]?.spanId, byId));
  }
  return owners;
}

/**
 * The request's waterfall: the request span first, then every span ordered by start, queries
 * among them as `query-{id}` under the middleware, handler or render that ran them.
 */
export function buildTimeline(request: StoredRequest, queries: QueryRecord[], owners = queryOwners(request, queries)): TimelineSpan[] {
  const total = request.durationMs;
  const spans: TimelineSpan[] = storedSpans(request).map((span) => {
    const out: TimelineSpan = {
      id: span.id, parentId: span.parentId ?? 'request', kind: span.kind, name: span.name, startMs: span.startMs,
      durationMs: span.durationMs ?? Math.max(0, total - span.startMs),
    };
    if (span.detail !== undefined) out.detail = span.detail;
    if (span.registeredAt) out.registeredAt = mapFrame(span.registeredAt);
    return out;
  });
  for (const query of queries) {
    const span: TimelineSpan = {
      id: `query-${query.id}`, parentId: owners.get(query.id) ?? 'request', kind: 'query', name: shorten(query.sql),
      startMs: query.startMs, durationMs: query.durationMs ?? Math.max(0, total - query.startMs),
    };
    if (query.error !== undefined) span.detail = `failed: ${query.error}`;
    spans.push(span);
  }
  spans.sort((a, b) => a.startMs - b.startMs);
  const root: TimelineSpan = {
    id: 'request', parentId: null, kind: 'request', name: `${request.method} ${request.url}`, startMs: 0,
    durationMs: total,
  };
  return [root, ...spans];
}

/**
 * Every template rendered, ordered by start, each with the queries run while it rendered (its
 * includes' queries too: the N+1 a template triggers shows on the view that includes it).
 */
export function buildTemplates(request: StoredRequest, queries: QueryRecord[], owners = queryOwners(request, queries)): TemplateRender[] {
  const templates = storedTemplates(request);
  if (templates.length === 0) return [];
  const parentOf = new Map(storedSpans(request).map((span) => [span.id, span.parentId]));
  const queryIds = new Map<string, number[]>(templates.map((t) => [t.id, []]));
  for (const query of queries) {
    // Walk up from the query's span; every render on the way rendered while it ran.
    for (let id: string | null | undefined = owners.get(query.id); id && id !== 'request'; id = parentOf.get(id)) {
      queryIds.get(id)?.push(query.id);
    }
  }
  return [...templates].sort((a, b) => a.startMs - b.startMs).map((template) => {
    const out: TemplateRender = {
      id: template.id, parentId: template.parentId, name: template.name, engine: template.engine, file: template.file,
      durationMs: template.durationMs ?? Math.max(0, request.durationMs - template.startMs),
      queryIds: queryIds.get(template.id) ?? [], localKeys: template.localKeys,
    };
    if (template.inlined) out.inlined = true;
    if (template.compileMs !== undefined) out.compileMs = template.compileMs;
    return out;
  });
}

/** `detail.panels.timeline`: the waterfall with the request's queries (read by the SQL panel). */
export function timelineDetail(request: StoredRequest, stored: StoredTimeline | undefined, settings: PanelSettings): TimelineDetail {
  const { queries } = readSql(request, settings);
  // Without stored spans (the timeline off, a task): the request and its queries.
  return { spans: buildTimeline(stored ? request : { ...request, panels: undefined }, queries) };
}
