import { patchMethod } from '../../sql/drivers/patch.js';
import { timeRender } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface HandlebarsLike {
  VM?: { invokePartial?: AnyFunction };
  invokePartial?: AnyFunction;
  /** What wrappers expose: hbs and express-hbs (the module), express-handlebars (an instance). */
  handlebars?: HandlebarsLike;
  create?: unknown;
  ExpressHandlebars?: unknown;
}

/** The runtime whose `invokePartial` renders every partial, from what the app passed. */
function runtimeOf(value: unknown): { invokePartial: AnyFunction } | null {
  const module = value as HandlebarsLike | null | undefined;
  // The Handlebars object (`VM` is its runtime), the runtime module itself, or a wrapper's `handlebars`.
  for (const candidate of [module?.VM, module, module?.handlebars?.VM, module?.handlebars]) {
    if (candidate && typeof candidate.invokePartial === 'function') return candidate as { invokePartial: AnyFunction };
  }
  return null;
}

/**
 * Handlebars (and express-handlebars, hbs and express-hbs, which render with it): every partial
 * goes through `handlebars.VM.invokePartial(partial, context, { name })`, one runtime object shared
 * by every `Handlebars.create()` environment. Takes the handlebars module or a wrapper that exposes
 * it as `.handlebars`: the hbs module, an express-handlebars instance.
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
  patchMethod(runtime, 'invokePartial', (original) => function invokePartial(
    this: unknown, partial: unknown, context: unknown, options?: { name?: string },
  ) {
    const name = typeof options?.name === 'string' ? options.name : 'partial';
    return timeRender({ name, engine: 'handlebars', file: null, locals: context }, () =>
      original.call(this, partial, context, options));
  });
}
