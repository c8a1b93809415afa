/**
 * Template lines for the frames of compiled templates. EJS compiles a view into a function
 * (`new Function`, named by `//# sourceURL=` after the file) and, with `compileDebug` (its
 * default), sets `__line = N` before the code of each template line: V8 reports the line in the
 * generated function, and the markers say which template line that code came from.
 */

/** Per template file: the template line of each line of its compiled function (index = function line). */
const tables = new Map<string, number[]>();
/** Templates compiled in one process stay few; the bound keeps a pathological app's memory flat. */
const MAX_TEMPLATES = 2000;

/** Lines V8 puts before the body of `new Function(args, body)`: `function anonymous(args` and `) {`. */
const FUNCTION_HEADER = 2;
/** EJS's compileDebug wrapper before the generated source: `var __line = 1`, `__lines`, `__filename`, `try {`. */
const EJS_DEBUG_HEADER = 4;

/**
 * Records where the template lines of an EJS view are in its compiled function, from the
 * compiled Template (`this.source` and `this.opts` after `Template#compile`). Without
 * `compileDebug` there are no markers, and client functions are not run here: nothing recorded.
 *
 * @example
 * recordEjsLines('/app/views/list.ejs', template.source, template.opts)
 */
export function recordEjsLines(file: string, source: string, opts: { compileDebug?: boolean; strict?: boolean; client?: boolean }): void {
  if (!opts.compileDebug || opts.client) return;
  const offset = FUNCTION_HEADER + EJS_DEBUG_HEADER + (opts.strict ? 1 : 0);
  const table: number[] = new Array<number>(offset + 1).fill(1);
  let current = 1;
  for (const line of source.split('\n')) {
    const marker = /^\s*; __line = (\d+)$/.exec(line);
    if (marker) current = Number(marker[1]);
    table.push(current);
  }
  if (tables.size >= MAX_TEMPLATES && !tables.has(file)) tables.clear();
  tables.set(file, table);
}

/** Whether `file` is a template whose compiled frames {@link templateLine} maps. */
export const isTemplateFile = (file: string): boolean => tables.has(file);

/**
 * The template line of a frame in a compiled template, or null when `file` is no recorded template.
 *
 * @example
 * templateLine('/app/views/list.ejs', 15) // 3
 */
export function templateLine(file: string, line: number): number | null {
  const table = tables.get(file);
  if (!table) return null;
  return table[Math.min(Math.max(line, 0), table.length - 1)];
}

/**
 * The file of an eval'd function's frame when it names a recorded template (`//# sourceURL=`,
 * which EJS writes JSON-quoted), else null: other eval'd code has no file to show.
 *
 * @example
 * templateFileOf('"/app/views/list.ejs"') // '/app/views/list.ejs'
 */
export function templateFileOf(sourceUrl: string | null | undefined): string | null {
  if (!sourceUrl) return null;
  const file = sourceUrl.startsWith('"') && sourceUrl.endsWith('"') ? sourceUrl.slice(1, -1) : sourceUrl;
  return tables.has(file) ? file : null;
}
