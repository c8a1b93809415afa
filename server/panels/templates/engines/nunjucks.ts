import { currentContext, requestContext } from '../../../request/context.js';
import { patchMethod, reportHookError } from '../../../instrument/patch.js';
import { withNunjucksLines } from '../lines/nunjucks.js';
import { beginRender, timeRender, templateName } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface NunjucksCompiler {
  compile?: AnyFunction;
  Compiler?: { prototype: { compileFilter?: AnyFunction } };
}

interface NunjucksTemplate {
  path?: string;
  env?: { loaders?: { searchPaths?: string[] }[] };
}

/**
 * Names the function of each template Nunjucks compiles after its file and records its lines:
 * `Template#_compile` runs `compiler.compile(src, asyncFilters, extensions, path, opts)` through
 * the module object, the one `nunjucks.compiler` is.
 */
function instrumentCompiler(compiler: NunjucksCompiler | undefined): void {
  if (!compiler || typeof compiler.compile !== 'function') return;
  // Nunjucks marks the calls a template makes with their line, not its filters: a filter that
  // queries per item (`{{ a.author_id | authorName }}`) gets the same `(lineno = …, …)` a call has.
  const proto = compiler.Compiler?.prototype;
  if (proto && typeof proto.compileFilter === 'function') {
    patchMethod(proto, 'compileFilter', (original) => function compileFilter(this: { _emit?: (code: string) => void }, ...args: unknown[]) {
      const node = args[0] as { lineno?: unknown; colno?: unknown } | undefined;
      const marked = typeof this._emit === 'function' && Number.isInteger(node?.lineno) && Number.isInteger(node?.colno);
      if (marked) this._emit!(`(lineno = ${node!.lineno as number}, colno = ${node!.colno as number}, `);
      const result = original.apply(this, args);
      if (marked) this._emit!(')');
      return result;
    });
  }
  patchMethod(compiler, 'compile', (original) => function compile(this: unknown, ...args: unknown[]) {
    const source = original.apply(this, args);
    const file = args[3];
    if (typeof source !== 'string' || typeof file !== 'string' || !file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) return source;
    try {
      return withNunjucksLines(file, source);
    } catch (error) {
      reportHookError(error);
      return source;
    }
  });
}

/**
 * Nunjucks: the view and each `include`/`extends` are a `Template` whose `render(ctx, [frame], cb)`
 * calls back when done (research §5). Frames of a compiled template map to the line of the call
 * the template made (lines/nunjucks.ts).
 *
 * @example
 * import nunjucks from 'nunjucks';
 * app.use(debugToolbar({ instrument: { nunjucks } }));
 */
export function instrumentNunjucks(nunjucks: unknown): void {
  const module = nunjucks as { Template?: { prototype: { render?: AnyFunction } }; compiler?: NunjucksCompiler } | null;
  const proto = module?.Template?.prototype;
  if (!proto || typeof proto.render !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.nunjucks` must be the nunjucks module (`import nunjucks from \'nunjucks\'`)');
  }
  instrumentCompiler(module?.compiler);
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
