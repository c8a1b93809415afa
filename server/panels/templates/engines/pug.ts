import { currentContext } from '../../../context.js';
import { patchMethod, reportHookError } from '../../sql/drivers/patch.js';
import { recordInlined, templateName } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

/**
 * Pug inlines `include`/`extends` at compile time: nothing runs per include, so nothing can be
 * timed. The compiled function lists them in `fn.dependencies`; each render of the view lists them
 * as "inlined" children.
 *
 * @example
 * import pug from 'pug';
 * app.use(debugToolbar({ instrument: { pug } }));
 */
export function instrumentPug(pug: unknown): void {
  const module = pug as { compile?: AnyFunction } | null;
  if (!module || typeof module.compile !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.pug` must be the pug module (`import pug from \'pug\'`)');
  }
  patchMethod(module, 'compile', (original) => function compile(this: unknown, source: unknown, options?: { basedir?: string; filename?: string }) {
    const compiled = original.call(this, source, options);
    if (typeof compiled !== 'function') return compiled;
    const dependencies: string[] = Array.isArray(compiled.dependencies) ? compiled.dependencies : [];
    if (dependencies.length === 0) return compiled;
    const roots = [options?.basedir, options?.filename?.replace(/[\\/][^\\/]*$/, '')];
    const listed = function (this: unknown, ...args: unknown[]) {
      const context = currentContext();
      if (context?.template) {
        try {
          for (const file of dependencies) recordInlined(context, templateName(file, roots), 'pug', file);
        } catch (error) {
          reportHookError(error);
        }
      }
      return compiled.apply(this, args);
    };
    return Object.assign(listed, compiled);
  });
}
