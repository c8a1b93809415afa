import { currentContext } from '../../../request/context.js';
import { patchMethod, reportHookError } from '../../../instrument/patch.js';
import { chargeCompile, measureCompile, recordInlined, templateName } from '../capture.js';
import { withPugLines } from '../lines/pug.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface PugOptions {
  basedir?: string;
  filename?: string;
  plugins?: unknown[];
}

/**
 * The options with a plugin that names the compiled function after its file and records its
 * template lines: a query run from a helper the view calls per item has `views/list.pug:3` in its
 * stack. A plugin is Pug's own way in, and the source is the only thing it touches.
 */
function withLinesPlugin(options: PugOptions | undefined): PugOptions | undefined {
  const file = options?.filename;
  if (!options || typeof file !== 'string') return options;
  const postCodeGen = (js: unknown) => {
    if (typeof js !== 'string') return js;
    try {
      return withPugLines(file, js);
    } catch (error) {
      reportHookError(error);
      return js;
    }
  };
  return { ...options, plugins: [...(Array.isArray(options.plugins) ? options.plugins : []), { postCodeGen }] };
}

/**
 * Pug inlines `include`/`extends` at compile time: nothing runs per include, so nothing can be
 * timed. The compiled function lists them in `fn.dependencies`; each render of the view lists them
 * as "inlined" children. Frames of the compiled function map to the template's lines. The
 * compile (every render with the view cache off) is the view's compile time, not its self time.
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
  patchMethod(module, 'compile', (original) => function compile(this: unknown, source: unknown, options?: PugOptions) {
    const { result: compiled, time } = measureCompile(() => original.call(this, source, withLinesPlugin(options)));
    // Pug compiles the view (its includes inlined) inside the view's render: compile time, not self time.
    const rendering = currentContext()?.template;
    if (time && rendering && !rendering.inlined) chargeCompile(rendering, time.ms);
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
