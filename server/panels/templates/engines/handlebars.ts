import { resolve } from 'node:path';
import { currentContext } from '../../../request/context.js';
import { patchMethod, reportHookError } from '../../../instrument/patch.js';
import { timeRender, templateName } from '../capture.js';
import { instrumentHandlebarsLines } from '../lines/handlebars.js';
import { instrumentHbs, isHbs, partialFileOf } from './hbs.js';
import { catchCompiledPartial } from './string-partials.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface HandlebarsLike {
  VM?: { invokePartial?: AnyFunction };
  invokePartial?: AnyFunction;
  JavaScriptCompiler?: unknown;
  /** What wrappers expose: hbs and express-hbs (the module), express-handlebars (an instance). */
  handlebars?: HandlebarsLike;
  create?: unknown;
  ExpressHandlebars?: unknown;
}

interface ExpressHandlebarsLike {
  render?: AnyFunction;
  getTemplate?: AnyFunction;
  partialsDir?: unknown;
  layoutsDir?: unknown;
}

/** The file each template function express-handlebars compiled came from: partials have one too. */
const files = new WeakMap<object, string>();

/** The runtime whose `invokePartial` renders every partial, from what the app passed. */
function runtimeOf(value: unknown): { invokePartial: AnyFunction } | null {
  const module = value as HandlebarsLike | null | undefined;
  // The Handlebars object (`VM` is its runtime), the runtime module itself, or a wrapper's `handlebars`.
  for (const candidate of [module?.VM, module, module?.handlebars?.VM, module?.handlebars]) {
    if (candidate && typeof candidate.invokePartial === 'function') return candidate as { invokePartial: AnyFunction };
  }
  return null;
}

/** The folders an express-handlebars instance names templates from. */
function rootsOf(instance: ExpressHandlebarsLike): string[] {
  return [instance.layoutsDir, instance.partialsDir].flat().filter((dir): dir is string => typeof dir === 'string').map((dir) => resolve(dir));
}

/**
 * express-handlebars renders the view and then its layout with `render(file, …)`: each is a
 * render of its own, so the layout is listed (the view's own render is the view's record). The
 * functions `getTemplate` compiles remember their file: a partial's record has it.
 */
function instrumentExpressHandlebars(instance: unknown): void {
  const proto = instance && typeof instance === 'object' ? Object.getPrototypeOf(instance) as ExpressHandlebarsLike : null;
  if (!proto || typeof proto.render !== 'function' || typeof proto.getTemplate !== 'function') return;
  patchMethod(proto, 'getTemplate', (original) => function getTemplate(this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const file = typeof args[0] === 'string' ? resolve(args[0]) : null;
    if (file && result && typeof (result as Promise<unknown>).then === 'function') {
      void (result as Promise<unknown>).then((template) => {
        if (typeof template === 'function') files.set(template, file);
      }, () => undefined);
    }
    return result;
  });
  patchMethod(proto, 'render', (original) => function render(this: ExpressHandlebarsLike, ...args: unknown[]) {
    if (typeof args[0] !== 'string') return original.apply(this, args);
    const file = resolve(args[0]);
    return timeRender({ name: templateName(file, rootsOf(this)), engine: 'handlebars', file, locals: args[1] },
      () => original.apply(this, args));
  });
}

/**
 * Handlebars (and express-handlebars, hbs and express-hbs, which render with it): every partial
 * goes through `handlebars.VM.invokePartial(partial, context, { name })`, one runtime object shared
 * by every `Handlebars.create()` environment. Takes the handlebars module or a wrapper that exposes
 * it as `.handlebars`: the hbs module or an `hbs.create()` instance (its layout is listed, its
 * string partials are recorded from their first render and have their file: engines/hbs.ts), an
 * express-handlebars instance (its layouts are listed and its partials have their file). Frames of compiled templates map to their template's line
 * (lines/handlebars.ts).
 *
 * @example
 * import { create } from 'express-handlebars';
 * const hbs = create();
 * app.use(debugToolbar({ instrument: { handlebars: hbs } })); // or hbs.handlebars
 */
export function instrumentHandlebars(handlebars: unknown): void {
  const runtime = runtimeOf(handlebars);
  if (!runtime) {
    const module = handlebars as HandlebarsLike | null;
    const got = module && (module.ExpressHandlebars || module.create)
      ? 'got the express-handlebars module: pass your instance (`create()`), or `import handlebars from \'handlebars\'`'
      : 'pass `import handlebars from \'handlebars\'`, or the hbs module, or an express-handlebars instance';
    throw new TypeError(`express-debug-toolbar: \`instrument.handlebars\` must be the handlebars module or a wrapper with a \`.handlebars\`; ${got}`);
  }
  const module = handlebars as HandlebarsLike;
  instrumentHandlebarsLines(module.JavaScriptCompiler ? module : module.handlebars);
  instrumentExpressHandlebars(handlebars);
  if (isHbs(handlebars)) instrumentHbs(handlebars);
  patchMethod(runtime, 'invokePartial', (original) => function invokePartial(
    this: unknown, partial: unknown, context: unknown, options?: { name?: string; partials?: unknown },
  ) {
    const name = typeof options?.name === 'string' ? options.name : 'partial';
    if (typeof partial === 'string') {
      // Not rendered here: Handlebars compiles it next and renders it outside (string-partials.ts).
      try {
        if (currentContext()) {
          const file = partialFileOf(options?.partials, name, partial);
          catchCompiledPartial(options?.partials, name, (compiled) => {
            if (file) files.set(compiled, file);
            return function renderPartial(this: unknown, ...args: unknown[]) {
              return timeRender({ name, engine: 'handlebars', file, locals: args[0] }, () => compiled.apply(this, args));
            };
          });
        }
      } catch (error) {
        reportHookError(error);
      }
      return original.call(this, partial, context, options);
    }
    if (typeof partial !== 'function') return original.call(this, partial, context, options);
    const file = files.get(partial) ?? null;
    return timeRender({ name, engine: 'handlebars', file, locals: context }, () =>
      original.call(this, partial, context, options));
  });
}

/**
 * An ExpressHandlebars class Express loaded (found in `require`'s cache): its instances list
 * layouts and partial files without being passed to `instrument`.
 */
export function instrumentExpressHandlebarsModule(module: unknown): void {
  // dist/express-handlebars.js exports the class as `default`; dist/index.js as `ExpressHandlebars`.
  const exports = module as { ExpressHandlebars?: { prototype?: object }; default?: { prototype?: object } } | null;
  const Class = exports?.ExpressHandlebars ?? exports?.default;
  if (Class?.prototype) instrumentExpressHandlebars(Object.create(Class.prototype));
}
