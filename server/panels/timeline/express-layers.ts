import type { IncomingMessage } from 'node:http';
import { currentContext } from '../../request/context.js';
import type { CapturedSpan, LiveRequest } from '../../request/record.js';
import { reportHookError } from '../../instrument/patch.js';
import { functionLabel } from './function-location.js';
import { registrationSite } from './registration-sites.js';
import { closeSpan, innermostOpenLayer, openSpan, type LiveTimeline } from './spans.js';
import { redactUrl } from '../../security/redact-url.js';
import { ERROR_RECORDER, onErrorLayer, routerOf } from '../../request/express-errors.js';

/*
 * One span per Express layer that runs: app-level middleware, routers (their layers nest inside),
 * route handlers and error handlers. Express 4 (`handle_request`/`handle_error`) and Express 5
 * (pillarjs/router 2: `handleRequest`/`handleError`) share the shape: a `Layer` class whose
 * handle methods call `fn(req, res, next)`.
 *
 * Without a frame of its own in the app's stacks. A wrapper around the handle method (or around
 * `next`) would sit between the app's frames in every error the app logs, and Node keeps only 10:
 * each toolbar frame pushes one of the app's out. So `handleRequest` becomes a getter: the router
 * reads it just before calling it, the getter opens the layer's span and returns the original
 * method, and nothing of the toolbar is on the stack while the layer runs. A span ends when the
 * router moves on past it (the next layer of its own stack, or of a stack further out, starts:
 * it has called `next()`), or when the response ends. Queries, renders and HTTP calls go under
 * the innermost layer still open (`requestRootContext` in spans.ts), with no context per layer.
 *
 * Errors reach `handleError`, which the core wraps to keep the request's error
 * (server/request/express-errors.ts); the error handler's span opens from there.
 */

type AnyFunction = (this: any, ...args: any[]) => any;

interface LayerLike {
  handle: AnyFunction;
  route?: RouteLike;
}

interface RouteLike {
  path?: unknown;
  stack?: unknown[];
}

interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  route?: RouteLike;
  app?: unknown;
}

const GETTER_INSTALLED = Symbol.for('express-debug-toolbar.layer-getters');

const seenApps = new WeakSet<object>();
/** The stack (router, route or app) each layer is in. */
const stackOfLayer = new WeakMap<object, unknown[]>();
/** The stack a span's layer runs, when it is a router or a mounted app. */
const innerStacks = new WeakMap<CapturedSpan, unknown[]>();
/**
 * Spans of layers whose stack was not found: Express 4 runs a mounted app's own `query` and
 * `expressInit` before `req.app` names that app. They are siblings of each other and of the
 * layers that follow in that app.
 */
const inUnknownStack = new WeakSet<CapturedSpan>();
/** Each route's stack → the stack of the layer that dispatches to it. */
const routeParents = new WeakMap<unknown[], unknown[]>();
/** The stack the toolbar itself is mounted in: layers of it close every open span. */
const rootStacks = new WeakMap<LiveTimeline, unknown[]>();

function describe(layer: LayerLike, req: ExpressRequest, errorHandler: boolean, redact: (url: string) => string) {
  const route = req.route;
  const isHandler = Boolean(route && Array.isArray(route.stack) && route.stack.includes(layer));
  const name = functionLabel(layer.handle);
  // baseUrl is the path as requested (`app.use('/t/:token', router)` puts the token in it).
  const baseUrl = req.baseUrl ? redact(req.baseUrl) : '';
  if (isHandler) {
    const method = req.method ?? '';
    return { kind: 'handler' as const, name, detail: `${method} ${baseUrl}${String(route!.path ?? '')}` };
  }
  const mount = baseUrl ? `mounted at ${baseUrl}` : undefined;
  const detail = errorHandler ? ['error handler', mount].filter(Boolean).join(', ') : mount;
  return { kind: 'middleware' as const, name, detail };
}

/** The stack `layer` is in, among those the request can be in now; remembered per layer. */
function stackOf(layer: LayerLike, req: ExpressRequest, timeline: LiveTimeline): unknown[] | undefined {
  const known = stackOfLayer.get(layer);
  if (known) return known;
  const candidates: unknown[][] = [];
  if (Array.isArray(req.route?.stack)) candidates.push(req.route.stack);
  for (let i = timeline.openLayers.length - 1; i >= 0; i--) {
    const inner = innerStacks.get(timeline.openLayers[i]);
    if (inner) candidates.push(inner);
  }
  const appStack = routerOf(req.app)?.stack;
  if (Array.isArray(appStack)) candidates.push(appStack);
  const root = rootStacks.get(timeline);
  if (root) candidates.push(root);
  const stack = candidates.find((candidate) => candidate.includes(layer));
  if (stack) stackOfLayer.set(layer, stack);
  return stack;
}

/**
 * `layer` of `stack` starts: every open span that is not its router (or further out) is done,
 * since the router only moves on once they called `next()`. The first layer of a stack no open
 * span is known to run (a mounted app's) tells that the innermost open middleware runs it.
 */
function closeFinishedLayers(request: LiveRequest, timeline: LiveTimeline, stack: unknown[] | undefined): void {
  const open = timeline.openLayers;
  const routeParent = stack && routeParents.get(stack);
  const isAncestor = (span: CapturedSpan) => {
    const inner = innerStacks.get(span);
    return stack !== undefined && inner !== undefined && (inner === stack || inner === routeParent);
  };
  const anyAncestor = open.some((span) => span.durationMs === null && isAncestor(span));
  while (open.length > 0) {
    const span = open[open.length - 1];
    if (span.durationMs === null) {
      if (stack === undefined && !inUnknownStack.has(span)) return;
      if (isAncestor(span)) return;
      if (stack !== undefined && !anyAncestor && routeParent === undefined && stack !== rootStacks.get(timeline)
        && span.kind === 'middleware' && !innerStacks.has(span) && !inUnknownStack.has(span)) {
        innerStacks.set(span, stack);
        return;
      }
      closeSpan(request, span);
    }
    open.pop();
  }
}

/** Runs as the router reads a layer's handle method, right before calling it. */
function layerStarting(layer: LayerLike, errorHandler: boolean): void {
  const context = currentContext();
  if (!context || context.request.finished) return;
  const request = context.request;
  const timeline = request.timeline;
  const req = timeline?.req as ExpressRequest | undefined;
  if (!timeline || !req || typeof layer.handle !== 'function') return;
  const stack = stackOf(layer, req, timeline);
  closeFinishedLayers(request, timeline, stack);
  // A route's own dispatch layer: its handlers get the spans.
  if (layer.route) {
    if (stack && Array.isArray(layer.route.stack)) routeParents.set(layer.route.stack, stack);
    return;
  }
  if ((layer.handle as unknown as Record<symbol, unknown>)[ERROR_RECORDER]) return;
  // The layers the router skips for their arity.
  const length = layer.handle.length;
  if (errorHandler ? length !== 4 : length > 3) return;
  const { kind, name, detail } = describe(layer, req, errorHandler, request.redactUrl ?? ((url) => redactUrl(url)));
  const span = openSpan(request, kind, name, innermostOpenLayer(timeline)?.id ?? null, detail);
  if (!span) return;
  const registeredAt = registrationSite(layer);
  if (registeredAt) span.registeredAt = registeredAt;
  timeline.openLayers.push(span);
  if (!stack) inUnknownStack.add(span);
  const inner = (layer.handle as { stack?: unknown }).stack;
  if (Array.isArray(inner)) innerStacks.set(span, inner);
}

/** `handleRequest` as a getter that opens the span and hands back the untouched method. */
function installStartGetter(proto: Record<string, unknown>, method: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(proto, method);
  if (!descriptor || typeof descriptor.value !== 'function') return false;
  const original = descriptor.value as AnyFunction;
  Object.defineProperty(proto, method, {
    configurable: true,
    enumerable: descriptor.enumerable,
    get: function readHandleMethod(this: LayerLike) {
      try {
        layerStarting(this, false);
      } catch (error) {
        reportHookError(error);
      }
      return original;
    },
    // Another instrumentation assigning its own wrapper gets a plain property, as it expects.
    set(this: object, value: unknown) {
      Object.defineProperty(this, method, { value, writable: true, configurable: true, enumerable: descriptor.enumerable });
    },
  });
  return true;
}

/** Patches the `Layer` class an Express app's router is built from; once per class. */
export function instrumentLayerClass(Layer: { prototype: object }): boolean {
  const proto = Layer.prototype as Record<string | symbol, unknown>;
  let patched = false;
  if (!proto[GETTER_INSTALLED]) {
    for (const method of ['handle_request', 'handleRequest']) patched = installStartGetter(proto, method) || patched;
    Object.defineProperty(proto, GETTER_INSTALLED, { value: true });
  }
  return patched;
}

/**
 * Finds the app's `Layer` class from its router (the first request reaches it as `req.app`) and
 * patches it, then starts following this request through the app's stacks. Cheap after the
 * first call per app.
 */
export function instrumentExpressApp(app: unknown, timeline: LiveTimeline): void {
  if (!app || (typeof app !== 'function' && typeof app !== 'object')) return;
  const stack = routerOf(app)?.stack;
  if (Array.isArray(stack)) rootStacks.set(timeline, stack);
  if (seenApps.has(app)) return;
  seenApps.add(app);
  try {
    const layer = stack?.[0] as { constructor?: { prototype: object } } | undefined;
    if (layer?.constructor && layer.constructor !== Object) instrumentLayerClass(layer.constructor);
  } catch (error) {
    reportHookError(error);
  }
}

// An error handler's span opens when the error reaches its layer.
onErrorLayer((layer) => layerStarting(layer as LayerLike, true));
