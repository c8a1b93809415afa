import { currentContext } from './context.js';
import { noteRequestError } from './request-error.js';
import { patchMethod, reportHookError } from '../instrument/patch.js';

/*
 * The error a request failed with, seen where every Express error passes: the Layer's
 * `handle_error` (Express 4) / `handleError` (Express 5's router), and, for errors no layer of the
 * app handles, an error handler appended to the app's stack that passes them on untouched. Part
 * of the core, not of the timeline: a 500 keeps its error with `timeline: false` too.
 * The wrapper runs only once the error exists, so the error's stack has none of its frames.
 */

type AnyFunction = (this: any, ...args: any[]) => any;

/** Marks the appended error handler, which the timeline leaves out of its spans. */
export const ERROR_RECORDER = Symbol.for('express-debug-toolbar.error-recorder');

/** Called with each layer an error reaches, in a recorded request (the timeline opens its span). */
export type ErrorLayerHook = (layer: object) => void;
const hooks: ErrorLayerHook[] = [];

/** Registers a hook run for every layer an error reaches while a request is recorded. */
export function onErrorLayer(hook: ErrorLayerHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/** The app's router: Express 4 keeps it in `_router` (its `router` getter throws), Express 5 in `router`. */
export function routerOf(app: unknown): { stack?: unknown[] } | undefined {
  if (!app || (typeof app !== 'function' && typeof app !== 'object')) return undefined;
  const record = app as Record<string, unknown>;
  if (record._router) return record._router as { stack?: unknown[] };
  try {
    return record.router as { stack?: unknown[] } | undefined;
  } catch {
    return undefined;
  }
}

function wrapHandleError(original: AnyFunction): AnyFunction {
  return function handleError(this: object, error: unknown, ...rest: unknown[]) {
    try {
      const context = currentContext();
      if (context && !context.request.finished) {
        noteRequestError(context.request, error);
        for (const hook of hooks) hook(this);
      }
    } catch (hookError) {
      reportHookError(hookError);
    }
    return original.call(this, error, ...rest);
  };
}

const seenApps = new WeakSet<object>();

/**
 * Patches the `Layer` class of the app's router (once per class) and appends the handler of
 * unhandled errors (once per app). Cheap after the first call per app.
 */
export function captureExpressErrors(app: unknown): void {
  if (!app || (typeof app !== 'function' && typeof app !== 'object') || seenApps.has(app)) return;
  seenApps.add(app);
  try {
    const layer = routerOf(app)?.stack?.[0] as { constructor?: { prototype: object } } | undefined;
    if (!layer?.constructor || layer.constructor === Object) return;
    const proto = layer.constructor.prototype as Record<string, unknown>;
    let found = false;
    for (const method of ['handle_error', 'handleError']) {
      if (typeof proto[method] !== 'function') continue;
      found = true;
      patchMethod(proto, method, wrapHandleError);
    }
    const use = (app as { use?: (handler: AnyFunction) => unknown }).use;
    if (!found || typeof use !== 'function') return;
    const recorder = function debugToolbarUnhandledErrors(error: unknown, _req: unknown, _res: unknown, next: (error?: unknown) => void) {
      next(error);
    };
    Object.defineProperty(recorder, ERROR_RECORDER, { value: true });
    use.call(app, recorder);
  } catch (error) {
    reportHookError(error);
  }
}
