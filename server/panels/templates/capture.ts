import { currentContext, type RequestContext } from '../../request/context.js';
import { reportHookError } from '../../instrument/patch.js';
import type { CapturedSpan, CapturedTemplate, LiveRequest } from '../../request/record.js';
import { closeSpan, openSpan, runInSpan } from '../timeline/spans.js';
import { observeSettled } from '../../instrument/settled.js';

/** What an engine adapter knows about a render as it starts. */
export interface RenderStart {
  name: string;
  engine: string;
  file: string | null;
  /** The locals passed; only their names are kept. */
  locals?: unknown;
  /** The compile that made the function now called, measured just before (EJS includes): the render starts with it. */
  compiled?: CompileTime | null;
}

/** An engine's compile, measured in a recorded request. */
export interface CompileTime {
  request: LiveRequest;
  /** Since the request's start, as every `startMs`. */
  startMs: number;
  ms: number;
}

/**
 * Runs an engine's compile and measures it when a request is being recorded. The render that
 * calls what it made takes the time as compile time ({@link beginRender}), so the template that
 * happened to trigger the compile is not charged with it as self time.
 */
export function measureCompile<T>(compile: () => T): { result: T; time: CompileTime | null } {
  const request = currentContext()?.request;
  if (!request || request.finished || !request.timeline) return { result: compile(), time: null };
  const start = performance.now();
  const result = compile();
  return { result, time: { request, startMs: start - request.startTime, ms: performance.now() - start } };
}

/** Adds compile time to a render: part of its duration, never of its self time. */
export function chargeCompile(template: CapturedTemplate, ms: number): void {
  if (ms > 0) template.compileMs = (template.compileMs ?? 0) + ms;
}

/** A render being recorded: `end()` once it is over (extra calls are ignored). */
export interface RenderHandle {
  span: CapturedSpan;
  template: CapturedTemplate;
  end(): void;
  /** Runs `fn` inside the render: queries and includes it starts become its children. */
  run<T>(fn: () => T): T;
}

/** Express and the engines add these to every render's options; they are not the app's locals. */
const INTERNAL_KEYS = new Set(['settings', '_locals', 'cache', 'filename', 'async', 'layout', 'partials', 'helpers']);

/** The names of the locals passed to a render, without Express' own keys. */
export function localKeysOf(locals: unknown): string[] {
  if (!locals || typeof locals !== 'object') return [];
  return Object.keys(locals).filter((key) => !INTERNAL_KEYS.has(key));
}

/**
 * Opens a render span and its template record under the current span and template. Returns null
 * outside a recorded request.
 */
export function startRender(context: RequestContext, start: RenderStart): RenderHandle | null {
  const request = context.request;
  const timeline = request.timeline;
  if (!timeline || request.finished) return null;
  const span = openSpan(request, 'render', start.name, context.span?.id ?? null, start.engine);
  if (!span) return null;
  const template: CapturedTemplate = {
    id: span.id,
    parentId: context.template?.id ?? null,
    name: start.name,
    engine: start.engine,
    file: start.file,
    startMs: span.startMs,
    durationMs: null,
    localKeys: localKeysOf(start.locals),
  };
  timeline.templates.push(template);
  return {
    span,
    template,
    end() {
      closeSpan(request, span);
      if (template.durationMs === null) template.durationMs = span.durationMs;
    },
    run: (fn) => runInSpan(context, span, fn, template),
  };
}

/** Lists a template compiled into the current one (Pug includes): no span, no timing. */
export function recordInlined(context: RequestContext, name: string, engine: string, file: string | null): void {
  const request = context.request;
  const timeline = request.timeline;
  const parent = context.template;
  if (!timeline || request.finished || !parent) return;
  timeline.templates.push({
    id: `${parent.id}.${timeline.templates.length}`,
    parentId: parent.id,
    name,
    engine,
    file,
    startMs: parent.startMs,
    durationMs: 0,
    localKeys: [],
    inlined: true,
  });
}

const claimed = new WeakSet<CapturedTemplate>();
const viewRoots = new WeakMap<LiveRequest, string[]>();

/** Remembers the views folders (`app.get('views')`) a request rendered from: where partial files are looked for. */
export function noteViewRoots(request: LiveRequest, roots: unknown): void {
  const list = [roots].flat().filter((r): r is string => typeof r === 'string' && r !== '');
  if (list.length === 0) return;
  viewRoots.set(request, [...new Set([...(viewRoots.get(request) ?? []), ...list])]);
}

/** The views folders a request rendered from, as {@link noteViewRoots} saw them. */
export function viewRootsOf(request: LiveRequest | undefined): string[] {
  return (request && viewRoots.get(request)) || [];
}

/**
 * Whether an engine's own render of `file` is the view `res.render` just opened (EJS, Pug and
 * Nunjucks compile the view itself the way they compile includes): then the adapter records
 * nothing, and the view's record takes the resolved file.
 */
export function isTheViewItself(context: RequestContext, file: string | null): boolean {
  const view = context.template;
  if (!view || view.parentId !== null || !file || claimed.has(view) || context.span?.id !== view.id) return false;
  const viewFile = view.file ?? '';
  if (file !== viewFile && !file.endsWith(`/${viewFile}`) && !file.endsWith(`\\${viewFile}`)) return false;
  claimed.add(view);
  view.file = file;
  return true;
}

/** A template's name from its file: the path under one of `roots` (the views folders), no extension. */
export function templateName(file: string | null, roots: unknown): string {
  if (!file) return 'template';
  const list = (Array.isArray(roots) ? roots : [roots]).filter((r): r is string => typeof r === 'string' && r !== '');
  let name = file;
  for (const root of list) {
    const prefix = root.endsWith('/') || root.endsWith('\\') ? root : `${root}/`;
    if (file.startsWith(prefix)) {
      name = file.slice(prefix.length);
      break;
    }
  }
  if (name === file) name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.[^./\\]+$/, '');
}

/**
 * Opens an engine-level render (an include, a partial) under the current render; null outside a
 * recorded request and for the view's own compiled function.
 */
export function beginRender(start: RenderStart): RenderHandle | null {
  const context = currentContext();
  if (!context || context.request.finished || !context.request.timeline) return null;
  try {
    const compiled = start.compiled?.request === context.request ? start.compiled : null;
    if (isTheViewItself(context, start.file)) {
      if (compiled) chargeCompile(context.template!, compiled.ms);
      return null;
    }
    const render = startRender(context, start);
    if (render && compiled) {
      // The include was compiled just before this call: its render starts with its compile.
      render.span.startMs = render.template.startMs = Math.min(render.span.startMs, compiled.startMs);
      chargeCompile(render.template, compiled.ms);
    }
    return render;
  } catch (error) {
    reportHookError(error);
    return null;
  }
}

/**
 * Runs one engine-level render (an include, a partial) as a child of the current render, ending
 * it when `fn` returns or, for a promise, when it settles. Outside a recorded request: just `fn()`.
 */
export function timeRender<T>(start: RenderStart, fn: () => T): T {
  const render = beginRender(start);
  if (!render) return fn();
  let result: T;
  try {
    result = render.run(fn);
  } catch (error) {
    render.end();
    throw error;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    return observeSettled(result as unknown as PromiseLike<unknown>, () => render.end()) as unknown as T;
  }
  render.end();
  return result;
}
