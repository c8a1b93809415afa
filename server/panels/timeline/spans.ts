import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { requestContext, type RequestContext } from '../../request/context.js';
import type { CapturedSpan, CapturedTemplate, LiveRequest } from '../../request/record.js';
import type { SpanKind } from '../../types.js';

/** The timeline being recorded for one request. */
export interface LiveTimeline {
  spans: CapturedSpan[];
  templates: CapturedTemplate[];
  nextId: number;
  /**
   * Middleware and handler spans that have not called `next()` yet, innermost last. A new layer's
   * parent is the innermost one still open: its router (siblings have called `next()` by then).
   */
  openLayers: CapturedSpan[];
  /** The request, while it runs: the Express layer patch reads its route and mount path. */
  req?: IncomingMessage;
}

/** Spans per request, past which new ones are dropped (a loop of 10,000 renders stays cheap). */
export const MAX_SPANS = 2000;

/** Starts the timeline of a request being recorded. */
export function openTimeline(request: LiveRequest): LiveTimeline {
  const timeline: LiveTimeline = { spans: [], templates: [], nextId: 1, openLayers: [] };
  request.timeline = timeline;
  return timeline;
}

/** Milliseconds since the request started. */
export function sinceStart(request: LiveRequest): number {
  return performance.now() - request.startTime;
}

/**
 * Opens a span under `parentId` (null: under the request). Returns null once the request is over
 * or its span budget is spent, and the caller then records nothing.
 */
export function openSpan(
  request: LiveRequest, kind: SpanKind, name: string, parentId: string | null, detail?: string,
): CapturedSpan | null {
  const timeline = request.timeline;
  if (!timeline || request.finished || timeline.spans.length >= MAX_SPANS) return null;
  const span: CapturedSpan = {
    id: `s${timeline.nextId++}`, parentId, kind, name, startMs: sinceStart(request), durationMs: null,
  };
  if (detail !== undefined) span.detail = detail;
  timeline.spans.push(span);
  return span;
}

/** Closes a span once; later calls keep the first end. */
export function closeSpan(request: LiveRequest, span: CapturedSpan): void {
  if (span.durationMs === null) span.durationMs = Math.max(0, sinceStart(request) - span.startMs);
}

/** A zero-length span under the request: headers sent, response finished. */
export function milestone(request: LiveRequest, name: string): void {
  const span = openSpan(request, 'milestone', name, null);
  if (span) span.durationMs = 0;
}

/** Closes every span still open when the response is over: the response's end is their end. */
export function closeOpenSpans(request: LiveRequest): void {
  const timeline = request.timeline;
  if (!timeline) return;
  // One reading of the clock for all: read per span, a busy machine could deschedule the loop
  // between two spans and end a handler after the router that holds it.
  const end = sinceStart(request);
  for (const span of timeline.spans) {
    if (span.durationMs === null) span.durationMs = Math.max(0, end - span.startMs);
  }
  for (const template of timeline.templates) {
    if (template.durationMs === null && !template.inlined) {
      template.durationMs = Math.max(0, end - template.startMs);
    }
  }
  timeline.openLayers.length = 0;
  timeline.req = undefined;
}

/** The innermost middleware or handler span still open, or undefined between layers. */
export function innermostOpenLayer(timeline: LiveTimeline): CapturedSpan | undefined {
  const open = timeline.openLayers;
  while (open.length > 0 && open[open.length - 1].durationMs !== null) open.pop();
  return open[open.length - 1];
}

/**
 * The context a request runs in. Its `span` is the innermost Express layer still open: queries,
 * renders and HTTP calls started by a middleware or handler become that layer's children, with
 * no context of their own per layer (server/panels/timeline/express-layers.ts says why).
 *
 * @example
 * requestContext.run(requestRootContext(live), next);
 */
export function requestRootContext(request: LiveRequest): RequestContext {
  const context = { request } as RequestContext;
  Object.defineProperty(context, 'span', ROOT_SPAN);
  return context;
}

/**
 * The root context's `span`, one getter for every request: a literal's `get span()` is a new
 * function per request, which gives every request's context a hidden class of its own, and every
 * hook that reads the context (each query's) goes megamorphic. Enumerable like the literal's, so
 * a spread (`{ ...context, frames }`) copies the span open then.
 */
const ROOT_SPAN: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get: function innermostLayerSpan(this: RequestContext) {
    const timeline = this.request.timeline;
    return timeline ? innermostOpenLayer(timeline) : undefined;
  },
};

/** Runs `fn` with `span` as the current span: queries and renders it starts become its children. */
export function runInSpan<T>(context: RequestContext, span: CapturedSpan, fn: () => T, template?: CapturedTemplate): T {
  return requestContext.run(childContext(context, span, template ?? context.template), fn);
}

/**
 * The context of code running inside `span`. One literal of one shape (no spread): it is built for
 * every middleware of every request.
 */
export function childContext(context: RequestContext, span: CapturedSpan, template: CapturedTemplate | undefined): RequestContext {
  return { request: context.request, frames: context.frames, span, template };
}
