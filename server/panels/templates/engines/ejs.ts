import { patchMethod } from '../../../instrument/patch.js';
import { measureCompile, timeRender, templateName } from '../capture.js';
import { recordEjsLines } from '../lines/ejs.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface EjsTemplate {
  source?: unknown;
  opts?: { filename?: string; compileDebug?: boolean; strict?: boolean; client?: boolean };
}

interface EjsOptions {
  filename?: string;
  views?: unknown;
  root?: unknown;
}

/**
 * EJS: `ejs.compile` makes the function of the view and of each `include()` (research §5: the
 * `includer` option sees includes but cannot time them). Each compiled function is wrapped to
 * time its calls; with `async: true` until its promise settles, so a template that awaits a lazy
 * loader has the loader's queries inside its render.
 *
 * @example
 * import ejs from 'ejs';
 * app.use(debugToolbar({ instrument: { ejs } }));
 */
export function instrumentEjs(ejs: unknown): void {
  const module = ejs as { compile?: AnyFunction; Template?: { prototype: object } } | null;
  if (!module || typeof module.compile !== 'function') {
    throw new TypeError('express-debug-toolbar: `instrument.ejs` must be the ejs module (`import ejs from \'ejs\'`)');
  }
  // The lines of the compiled function that hold each template line: a query run from a template
  // (`<%= (await authorOf(p)).name %>` in a loop) then has the template's file and line in its stack.
  if (module.Template && typeof (module.Template.prototype as { compile?: unknown }).compile === 'function') {
    patchMethod(module.Template.prototype, 'compile', (original) => function compileTemplate(this: EjsTemplate, ...args: unknown[]) {
      const compiled = original.apply(this, args);
      try {
        if (this.opts?.filename && typeof this.source === 'string') recordEjsLines(this.opts.filename, this.source, this.opts);
      } catch {
        // Template lines are a bonus: the view renders whatever happens here.
      }
      return compiled;
    });
  }
  patchMethod(module, 'compile', (original) => function compile(this: unknown, template: unknown, options?: EjsOptions) {
    const { result: compiled, time } = measureCompile(() => original.call(this, template, options));
    if (typeof compiled !== 'function' || !options?.filename) return compiled;
    const file = options.filename;
    const name = templateName(file, options.views ?? options.root);
    // An include is compiled (first render, or no cache) then called: its first call owns the compile.
    let pending = time;
    const timed = function (this: unknown, ...args: unknown[]) {
      const compileTime = pending;
      pending = null;
      return timeRender({ name, engine: 'ejs', file, locals: args[0], compiled: compileTime }, () => compiled.apply(this, args));
    };
    return Object.assign(timed, compiled);
  });
}
