import { currentContext, requestContext, type RequestContext } from '../../request/context.js';
import { patchMethod, reportHookError } from '../../instrument/patch.js';
import { noteViewRoots, startRender, type RenderHandle } from './capture.js';
import { instrumentLoadedEngines } from './loaded-engines.js';
import { observeSettled } from '../../instrument/settled.js';

/*
 * Every `res.render`/`app.render`, whatever the engine, goes through `new View(...).render(options,
 * callback)`: Express' own View class, or the one the app set (`app.set('view', …)`, as Nunjucks
 * does). Its prototype is patched on the first request, reached from the app: `app.get('view')`.
 */

interface ViewLike {
  name?: string;
  path?: string;
  ext?: string;
  constructor?: { name?: string };
}

type RenderCallback = (this: unknown, ...args: unknown[]) => unknown;

const ENGINE_BY_EXT: Record<string, string> = {
  ejs: 'ejs', pug: 'pug', jade: 'pug', hbs: 'handlebars', handlebars: 'handlebars', njk: 'nunjucks',
  nunjucks: 'nunjucks',
};

const seenApps = new WeakSet<object>();

/** The engine a view renders with, from its class (Nunjucks' own View) or its file extension. */
export function engineOf(view: ViewLike): string {
  if (view.constructor?.name === 'NunjucksView') return 'nunjucks';
  const ext = (view.ext ?? '').replace(/^\./, '').toLowerCase();
  return ENGINE_BY_EXT[ext] ?? (ext || 'unknown');
}

function startViewRender(context: RequestContext, view: ViewLike, options: unknown): RenderHandle | null {
  try {
    noteViewRoots(context.request, (options as { settings?: { views?: unknown } } | null)?.settings?.views);
    return startRender(context, {
      name: view.name ?? 'view', engine: engineOf(view), file: view.path ?? null, locals: options,
    });
  } catch (error) {
    reportHookError(error);
    return null;
  }
}

function wrapRender(original: (this: ViewLike, options: unknown, callback: RenderCallback) => unknown) {
  return function render(this: ViewLike, options: unknown, callback: RenderCallback) {
    const context = currentContext();
    if (!context || context.request.finished || typeof callback !== 'function') {
      return original.call(this, options, callback);
    }
    try {
      instrumentLoadedEngines(engineOf(this));
    } catch (error) {
      reportHookError(error);
    }
    const handle = startViewRender(context, this, options);
    if (!handle) return original.call(this, options, callback);
    const done: RenderCallback = function renderDone(this: unknown, ...args: unknown[]) {
      // EJS with `async: true` hands Express a promise of the HTML: the render is over when it settles.
      const html = args[1] as { then?: unknown } | undefined;
      if (html && typeof html.then === 'function') {
        args[1] = observeSettled(html as PromiseLike<unknown>, () => handle.end());
      } else {
        handle.end();
      }
      // The engine calls back from inside the render; what the caller does next is the caller's.
      return requestContext.run(context, () => callback.apply(this, args));
    };
    try {
      return handle.run(() => original.call(this, options, done));
    } catch (error) {
      handle.end();
      throw error;
    }
  };
}

/** Patches a View class's `render`; once per class. */
export function instrumentViewClass(View: unknown): boolean {
  if (typeof View !== 'function' || !View.prototype) return false;
  return patchMethod(View.prototype as object, 'render', wrapRender as any);
}

/** Patches the View class an app renders with. Cheap after the first call per app. */
export function instrumentAppViews(app: unknown): void {
  if (!app || (typeof app !== 'function' && typeof app !== 'object')) return;
  if (seenApps.has(app)) return;
  seenApps.add(app);
  try {
    const get = (app as { get?: (name: string) => unknown }).get;
    if (typeof get === 'function') instrumentViewClass(get.call(app, 'view'));
  } catch (error) {
    reportHookError(error);
  }
}
