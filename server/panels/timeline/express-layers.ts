import type { IncomingMessage } from 'node:http';
import { currentContext, requestContext, type RequestContext } from '../../context.js';
import type { CapturedSpan, LiveRequest } from '../../record.js';
import { patchMethod, reportHookError } from '../sql/drivers/patch.js';
import { functionLabel } from './function-location.js';
import { childContext, closeSpan, openSpan } from './spans.js';
import { noteRequestError } from '../../request-error.js';

/*
 * One span per Express layer that runs: app-level middleware, routers (their layers nest inside),
 * route handlers and error handlers. Express 4 (`handle_request`/`handle_error`) and Express 5
 * (pillarjs/router 2: `handleRequest`/`handleError`) share the shape: a `Layer` class whose
 * handle methods call `fn(req, res, next)`. Wrapping those methods, not the user's functions,
 * leaves `fn.length` untouched, so the arity checks (error handlers have four parameters) hold.
 *
 * A span ends when its layer calls `next()` (with an error, 'route' or 'router' too) or when the
 * response ends. router 2.3's `express.router.request` TracingChannel does not publish `next()`,
 * so it cannot end a middleware span at the right moment: the prototype is used on both majors.
 */

type Next = (error?: unknown) => void;
type AnyFunction = (this: any, ...args: any[]) => any;

interface LayerLike {
  handle: AnyFunction;
  route?: unknown;
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

const seenApps = new WeakSet<object>();

function routerOf(app: Record<string, unknown>): { stack?: unknown[] } | undefined {
  // Express 4 keeps it in `_router` (and its `router` getter throws); Express 5 in `router`.
  if (app._router) return app._router as { stack?: unknown[] };
  try {
    return app.router as { stack?: unknown[] } | undefined;
  } catch {
    return undefined;
  }
}

function describe(layer: LayerLike, req: ExpressRequest, errorHandler: boolean) {
  const route = req.route;
  const isHandler = Boolean(route && Array.isArray(route.stack) && route.stack.includes(layer));
  const name = functionLabel(layer.handle);
  if (isHandler) {
    const method = req.method ?? '';
    return { kind: 'handler' as const, name, detail: `${method} ${req.baseUrl ?? ''}${String(route!.path ?? '')}` };
  }
  const mount = req.baseUrl ? `mounted at ${req.baseUrl}` : undefined;
  const detail = errorHandler ? ['error handler', mount].filter(Boolean).join(', ') : mount;
  return { kind: 'middleware' as const, name, detail };
}

function parentOf(request: LiveRequest): string | null {
  const open = request.timeline!.openLayers;
  while (open.length > 0 && open[open.length - 1].durationMs !== null) open.pop();
  return open.length > 0 ? open[open.length - 1].id : null;
}

function startLayer(context: RequestContext, layer: LayerLike, req: ExpressRequest, errorHandler: boolean): CapturedSpan | null {
  const request = context.request;
  if (!request.timeline) return null;
  const { kind, name, detail } = describe(layer, req, errorHandler);
  const span = openSpan(request, kind, name, parentOf(request), detail);
  if (span) request.timeline.openLayers.push(span);
  return span;
}

/** Calls the original handle method with a `next` that closes the span, inside the span's context. */
function runTimed(
  context: RequestContext, span: CapturedSpan, original: AnyFunction, self: unknown, args: unknown[], next: Next,
): unknown {
  const request = context.request;
  // Named `timedNext`, not `next`: a function expression's own name would shadow the parameter.
  const timedNext: Next = function timedNext(this: unknown, ...nextArgs: unknown[]) {
    closeSpan(request, span);
    // A sync throw and (Express 5) an async rejection arrive here too: Layer catches them into next(err).
    if (nextArgs.length > 0) noteRequestError(request, nextArgs[0]);
    return (next as AnyFunction).apply(this, nextArgs);
  };
  args[args.length - 1] = timedNext;
  return requestContext.run(childContext(context, span, context.template), () => original.apply(self, args));
}

function wrapHandle(original: AnyFunction, errorHandler: boolean): AnyFunction {
  const arity = errorHandler ? 4 : 3;
  return function timedHandle(this: LayerLike, ...args: unknown[]) {
    const context = currentContext();
    // Outside a recorded request, on a route's own dispatch layer (its handlers get the spans) and
    // on layers the original skips for their arity, this is the original call.
    if (!context || context.request.finished || this.route || typeof this.handle !== 'function') {
      return original.apply(this, args);
    }
    const length = this.handle.length;
    if (errorHandler ? length !== 4 : length > 3) return original.apply(this, args);
    const next = args[arity - 1];
    const req = args[arity - 3] as ExpressRequest;
    let span: CapturedSpan | null = null;
    try {
      if (typeof next === 'function') span = startLayer(context, this, req, errorHandler);
    } catch (error) {
      reportHookError(error);
    }
    if (!span) return original.apply(this, args);
    return runTimed(context, span, original, this, args, next as Next);
  };
}

/** Patches the `Layer` class an Express app's router is built from; once per class. */
export function instrumentLayerClass(Layer: { prototype: object }): boolean {
  const proto = Layer.prototype as Record<string, unknown>;
  let patched = false;
  for (const [method, errorHandler] of [
    ['handle_request', false], ['handle_error', true], ['handleRequest', false], ['handleError', true],
  ] as const) {
    if (typeof proto[method] === 'function') {
      patched = patchMethod(proto, method, (original) => wrapHandle(original, errorHandler)) || patched;
    }
  }
  return patched;
}

/**
 * Finds the app's `Layer` class from its router (the first request reaches it as `req.app`) and
 * patches it. Cheap after the first call per app.
 */
export function instrumentExpressApp(app: unknown): void {
  if (!app || (typeof app !== 'function' && typeof app !== 'object')) return;
  if (seenApps.has(app)) return;
  seenApps.add(app);
  try {
    const router = routerOf(app as Record<string, unknown>);
    const layer = router?.stack?.[0] as { constructor?: { prototype: object } } | undefined;
    if (layer?.constructor && layer.constructor !== Object) instrumentLayerClass(layer.constructor);
  } catch (error) {
    reportHookError(error);
  }
}
