import { readFileSync } from 'node:fs';
import { currentContext } from '../../../request/context.js';
import { patchMethod, reportHookError } from '../../../instrument/patch.js';
import { chargeCompile } from '../capture.js';
import { FUNCTION_HEADER, recordTemplateMarkers, sourceUrlComment, type TemplateMarker } from '../../../stack/template-lines.js';

type AnyFunction = (this: any, ...args: any[]) => any;

interface SourceNodeLike {
  walk(fn: (chunk: string, original: { source: string | null; line: number | null }) => void): void;
}

interface CompilerLike {
  options?: { srcName?: string };
  isChild?: boolean;
}

/** The template a top-level compile is for, and how many functions it made so far. */
let session: { file: string; functions: number } | null = null;

/** The source the last `parse` of an instrumented Handlebars environment read: compiled next. */
let lastParsed: string | null = null;
/** When that parse started: a compile runs from there to the end of its JavaScript compile. */
let parsedAt: number | null = null;

/**
 * Whether the template being compiled is the file of the render being recorded: a template
 * compiled by something the toolbar does not record (a layout of a wrapper it does not know)
 * would otherwise borrow that render's file and lines.
 */
function isSourceOf(file: string, source: string | null): boolean {
  if (source === null) return false;
  try {
    return readFileSync(file, 'utf8').trim() === source.trim();
  } catch {
    return false;
  }
}

/** `return ` before the function expression on the first line of the body. */
const RETURN = 'return ';

/**
 * Builds a program's function from Handlebars' source nodes, which carry the template line of
 * every chunk (the opcode that wrote it), instead of Handlebars' `Function.apply`: the same code,
 * named `${file}?program=N` by a sourceURL, with markers from the nodes' lines. Null when the
 * nodes are not real source nodes (Handlebars without its source-map dependency).
 */
function functionWithLines(node: unknown, name: string, file: string): unknown {
  if (!node || typeof (node as SourceNodeLike).walk !== 'function') return null;
  const markers: TemplateMarker[] = [];
  let code = '';
  let genLine = FUNCTION_HEADER + 1;
  let genColumn = RETURN.length + 1;
  let last: number | null | undefined;
  (node as SourceNodeLike).walk((chunk, original) => {
    const line = original.source !== null && typeof original.line === 'number' ? original.line : null;
    if (line !== last) markers.push({ genLine, genColumn, file, line });
    last = line;
    code += chunk;
    for (const c of chunk) {
      if (c === '\n') {
        genLine += 1;
        genColumn = 1;
      } else {
        genColumn += 1;
      }
    }
  });
  const made = new Function(`${RETURN}${code}${sourceUrlComment(name)}`)() as unknown;
  if (typeof made !== 'function') return null;
  recordTemplateMarkers(name, markers);
  return made;
}

function instrumentParse(env: { parse?: AnyFunction }): void {
  if (typeof env.parse !== 'function') return;
  patchMethod(env, 'parse', (original) => function parse(this: unknown, ...args: unknown[]) {
    lastParsed = typeof args[0] === 'string' ? args[0] : null;
    parsedAt = performance.now();
    return original.apply(this, args);
  });
}

/**
 * Handlebars template lines. `Handlebars.compile` compiles on the first call, inside the render
 * the toolbar records (the view, its layout, a partial): the file is that render's. Each program
 * of the template (the main one, each block's body) is a function of its own whose frames then map
 * to the line of the mustache or block that ran them, e.g. the helper called per item in
 * `{{#each}}`. Only when the source compiled is that file's (its `parse` saw it): else, and for a
 * render whose file is unknown (a partial registered as a string), Handlebars' own functions, as before.
 */
export function instrumentHandlebarsLines(handlebars: unknown): void {
  const env = handlebars as { JavaScriptCompiler?: unknown; parse?: AnyFunction; create?: AnyFunction } | null;
  if (!env) return;
  instrumentParse(env);
  if (typeof env.create === 'function') {
    // hbs and others render with `Handlebars.create()`: an environment with a `parse` of its own.
    patchMethod(env, 'create', (original) => function create(this: unknown, ...args: unknown[]) {
      const created = original.apply(this, args) as { parse?: AnyFunction } | null;
      if (created) instrumentParse(created);
      return created;
    });
  }
  const JavaScriptCompiler = env.JavaScriptCompiler;
  const proto = (JavaScriptCompiler as { prototype?: { compile?: AnyFunction; createFunctionContext?: AnyFunction } } | null)?.prototype;
  if (!proto || typeof proto.compile !== 'function' || typeof proto.createFunctionContext !== 'function') return;
  patchMethod(proto, 'compile', (original) => function compile(this: CompilerLike, ...args: unknown[]) {
    const [, options, context, asObject] = args as [unknown, { srcName?: string } | undefined, unknown, boolean];
    if (context || !asObject) return original.apply(this, args);
    const rendering = currentContext()?.template;
    const file = rendering?.file;
    const outer = session;
    const startedAt = parsedAt;
    parsedAt = null;
    session = file && file.startsWith('/') && isSourceOf(file, lastParsed) ? { file, functions: 0 } : null;
    lastParsed = null;
    try {
      // A srcName makes Handlebars give each chunk its template line; the name is never shown.
      if (session && !options?.srcName) args[1] = { ...options, srcName: file };
      return original.apply(this, args);
    } finally {
      session = outer;
      // Handlebars compiles on a template's first call, inside its render: compile time, not self time.
      if (rendering && startedAt !== null) chargeCompile(rendering, performance.now() - startedAt);
    }
  });
  patchMethod(proto, 'createFunctionContext', (original) => function createFunctionContext(this: CompilerLike, asObject: boolean) {
    const current = session;
    if (!asObject || !current) return original.call(this, asObject);
    const name = `${current.file}?program=${current.functions++}`;
    const node = original.call(this, false);
    try {
      const made = functionWithLines(node, name, current.file);
      if (made) return made;
    } catch (error) {
      reportHookError(error);
    }
    return new Function(`${RETURN}${String(node)}`)();
  });
}
