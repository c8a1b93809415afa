import { patchMethod } from '../../sql/drivers/patch.js';
import { timeRender } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Handlebars (and express-handlebars, which renders with it): every partial goes through
 * `handlebars.VM.invokePartial(partial, context, { name })`, one runtime object shared by every
 * `Handlebars.create()` environment.
 *
 * @example
 * import { create } from 'express-handlebars';
 * const hbs = create();
 * app.use(debugToolbar({ instrument: { handlebars: hbs.handlebars } }));
 */
export function instrumentHandlebars(handlebars: unknown): void {
  const module = handlebars as { VM?: { invokePartial?: AnyFunction }; invokePartial?: AnyFunction } | null;
  // The Handlebars object (`VM` is its runtime) or the runtime module itself.
  const runtime = module?.VM ?? module;
  if (!runtime || typeof runtime.invokePartial !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.handlebars` must be the handlebars module or an instance');
  }
  patchMethod(runtime, 'invokePartial', (original) => function invokePartial(
    this: unknown, partial: unknown, context: unknown, options?: { name?: string },
  ) {
    const name = typeof options?.name === 'string' ? options.name : 'partial';
    return timeRender({ name, engine: 'handlebars', file: null, locals: context }, () =>
      original.call(this, partial, context, options));
  });
}
