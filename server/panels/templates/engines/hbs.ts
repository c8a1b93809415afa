import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { currentContext } from '../../../request/context.js';
import { patchMethod } from '../../../instrument/patch.js';
import { templateName, timeRender, viewRootsOf } from '../capture.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface HandlebarsEnv {
  compile?: AnyFunction;
  partials?: object;
}

interface HbsInstance {
  handlebars?: HandlebarsEnv;
  registerPartials?: AnyFunction;
  create?: AnyFunction;
  __express?: unknown;
}

interface HbsLocals {
  layout?: unknown;
  settings?: { views?: unknown; 'view options'?: { layout?: unknown } };
}

/** Whether `value` is the hbs module or an instance it made (`hbs.create()`). */
export function isHbs(value: unknown): value is HbsInstance {
  const hbs = value as HbsInstance | null;
  return !!hbs && typeof hbs.registerPartials === 'function' && typeof hbs.__express === 'function' && !!hbs.handlebars;
}

/** The folders each environment's partials were registered from (`registerPartials(dir)`), when seen. */
const partialDirs = new WeakMap<object, string[]>();
/** name + source → file, found once. */
const found = new Map<string, string | null>();
const MAX_FOUND = 500;

const PARTIAL_EXTENSIONS = ['.hbs', '.html'];
const MAX_DEPTH = 4;

/** Every folder under `root` (itself included), down to a few levels, without node_modules. */
function foldersUnder(root: string, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const folders = [root];
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) folders.push(...foldersUnder(join(root, entry.name), depth + 1));
  }
  return folders;
}

const sameText = (file: string, source: string) => {
  try {
    return readFileSync(file, 'utf8') === source;
  } catch {
    return false;
  }
};

/**
 * The file a partial registered as a string came from: hbs' `registerPartials(dir)` names
 * `dir/nested/row.hbs` as `nested/row` (dashes made underscores). Looked for in the folders
 * registered from (when the toolbar saw the call) or under the views folders, and taken only
 * when its text is the partial's: never a file that merely has the name.
 */
export function partialFileOf(partials: unknown, name: string, source: string): string | null {
  const key = `${name}\0${source}`;
  if (found.has(key)) return found.get(key)!;
  const known = partials && typeof partials === 'object' ? partialDirs.get(partials) : undefined;
  const roots = known ?? viewRootsOf(currentContext()?.request).flatMap((root) => foldersUnder(root));
  const names = [...new Set([name, name.replace(/_/g, '-')])];
  const candidates = roots.flatMap((root) => names.flatMap((n) => PARTIAL_EXTENSIONS.map((ext) => join(root, n + ext))));
  const file = candidates.find((candidate) => sameText(candidate, source)) ?? null;
  if (found.size >= MAX_FOUND) found.clear();
  found.set(key, file);
  return file;
}

/** hbs' own choice of layout file: `layout` (or the view option), else `layout`, in each views folder. */
function layoutFileOf(locals: HbsLocals, source: string, viewFile: string): string | null {
  const layout = locals.layout !== undefined ? locals.layout : locals.settings?.['view options']?.layout;
  if (layout !== undefined && !layout) return null;
  const roots = [locals.settings?.views].flat().filter((r): r is string => typeof r === 'string');
  for (const root of roots) {
    let file = join(root, typeof layout === 'string' ? layout : 'layout');
    if (!extname(file)) file += extname(viewFile);
    if (!existsSync(file)) continue;
    // hbs reads the first that exists; the template is the layout when its text is that file's.
    return resolve(file) !== resolve(viewFile) && sameText(file, source) ? resolve(file) : null;
  }
  return null;
}

/**
 * hbs renders the view, then its layout with the view's HTML as `body`, each compiled by the
 * environment's `compile(text)` from a file it read. The layout's call is recorded as a render of
 * its own under the view (the view's record covers both, as Express sees one render).
 */
function instrumentEnvironment(env: HandlebarsEnv | undefined): void {
  if (!env || typeof env.compile !== 'function') return;
  patchMethod(env, 'compile', (original) => function compile(this: unknown, ...args: unknown[]) {
    const template = original.apply(this, args);
    // Handlebars compiles a string partial with a third argument (the environment): not a layout.
    if (args.length > 2 || typeof template !== 'function' || typeof args[0] !== 'string') return template;
    const source = args[0];
    let layoutFile: string | null | undefined;
    const withLayout = function (this: unknown, locals: HbsLocals, ...rest: unknown[]) {
      const view = currentContext()?.template;
      if (!view?.file || !locals || typeof locals !== 'object') return template.call(this, locals, ...rest);
      if (layoutFile === undefined) layoutFile = layoutFileOf(locals, source, view.file);
      if (!layoutFile) return template.call(this, locals, ...rest);
      const roots = [locals.settings?.views].flat();
      return timeRender({ name: templateName(layoutFile, roots), engine: 'handlebars', file: layoutFile, locals },
        () => template.call(this, locals, ...rest));
    };
    return Object.assign(withLayout, template);
  });
}

/**
 * hbs (`app.set('view engine', 'hbs')`): its layout (`layout.hbs` by default) is listed, and the
 * partials `registerPartials(dir)` registered as strings have their file. Takes the hbs module or
 * an instance of `hbs.create()`; later instances are instrumented as they are made.
 */
export function instrumentHbs(hbs: HbsInstance): void {
  instrumentEnvironment(hbs.handlebars);
  const proto = Object.getPrototypeOf(hbs) as HbsInstance | null;
  if (proto && typeof proto.registerPartials === 'function') {
    patchMethod(proto, 'registerPartials', (original) => function registerPartials(this: HbsInstance, ...args: unknown[]) {
      const partials = this.handlebars?.partials;
      if (typeof args[0] === 'string' && partials && typeof partials === 'object') {
        const dir = resolve(args[0]);
        partialDirs.set(partials, [...(partialDirs.get(partials) ?? []).filter((d) => d !== dir), dir]);
      }
      return original.apply(this, args);
    });
  }
  if (typeof hbs.create === 'function') {
    patchMethod(hbs, 'create', (original) => function create(this: unknown, ...args: unknown[]) {
      const made = original.apply(this, args) as HbsInstance;
      if (isHbs(made)) instrumentEnvironment(made.handlebars);
      return made;
    });
  }
}
