import { currentContext, requestContext } from '../../../context.js';
import { patchMethod } from '../../sql/drivers/patch.js';
import { beginRender, timeRender, templateName } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface NunjucksTemplate {
  path?: string;
  env?: { loaders?: { searchPaths?: string[] }[] };
}

/**
 * Nunjucks: the view and each `include`/`extends` are a `Template` whose `render(ctx, [frame], cb)`
 * calls back when done (research §5).
 *
 * @example
 * import nunjucks from 'nunjucks';
 * app.use(debugToolbar({ instrument: { nunjucks } }));
 */
export function instrumentNunjucks(nunjucks: unknown): void {
  const module = nunjucks as { Template?: { prototype: { render?: AnyFunction } } } | null;
  const proto = module?.Template?.prototype;
  if (!proto || typeof proto.render !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.nunjucks` must be the nunjucks module (`import nunjucks from \'nunjucks\'`)');
  }
  patchMethod(proto, 'render', (original) => function render(this: NunjucksTemplate, ...args: unknown[]) {
    const file = typeof this.path === 'string' ? this.path : null;
    const roots = (this.env?.loaders ?? []).flatMap((loader) => loader.searchPaths ?? []);
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    const locals = typeof args[0] === 'object' ? args[0] : undefined;
    if (callbackAt === -1) {
      return timeRender({ name: templateName(file, roots), engine: 'nunjucks', file, locals }, () => original.apply(this, args));
    }
    const handle = beginRender({ name: templateName(file, roots), engine: 'nunjucks', file, locals });
    if (!handle) return original.apply(this, args);
    // Asynchronous: the render is over when its callback runs.
    const callback = args[callbackAt] as AnyFunction;
    const caller = currentContext();
    args[callbackAt] = function (this: unknown, ...results: unknown[]) {
      handle.end();
      // The rest of the parent template runs from this callback: in the parent's context, so the
      // next include is its child, not this one's.
      return caller ? requestContext.run(caller, () => callback.apply(this, results)) : callback.apply(this, results);
    };
    try {
      return handle.run(() => original.apply(this, args));
    } catch (error) {
      handle.end();
      throw error;
    }
  });
}
