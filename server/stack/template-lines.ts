/**
 * Template lines for the frames of compiled templates. EJS, Pug, Nunjucks and Handlebars compile
 * a view into a function (`new Function`): V8 reports positions in the generated code, and the
 * engines' own markers (EJS's `__line`, Pug's `pug_debug_line`, Nunjucks' `lineno`, Handlebars'
 * source nodes) say which template line the code at each position came from. The engine adapters
 * name each compiled function by a `//# sourceURL=` and record its markers here
 * (panels/templates/lines/).
 */

/**
 * A position in a compiled function, as V8 reports it (1-based, the `new Function` header
 * included), and where the code from there on came from. `line: null` when the engine says the
 * code is the template's but not which line: the frame then keeps the file and says so.
 */
export interface TemplateMarker {
  genLine: number;
  genColumn: number;
  file: string;
  line: number | null;
  /**
   * Where this marker's scope closes (same coordinates, the closing bracket): a frame at or past
   * it is not this marker's (lines/scopes.ts). Absent: the marker holds until the next one.
   */
  endLine?: number;
  endColumn?: number;
}

/** Where a frame of a compiled template is in the template; `line` null when it cannot be known. */
export interface TemplateSite {
  file: string;
  line: number | null;
}

/** Per compiled function (its sourceURL): its markers, sorted by position. */
const tables = new Map<string, TemplateMarker[]>();
/** Templates compiled in one process stay few; the bound keeps a pathological app's memory flat. */
const MAX_TEMPLATES = 2000;

/** Lines V8 puts before the body of `new Function(args, body)`: `function anonymous(args` and `) {`. */
export const FUNCTION_HEADER = 2;

const before = (a: { genLine: number; genColumn: number }, line: number, column: number) =>
  a.genLine < line || (a.genLine === line && a.genColumn <= column);

/**
 * Records the markers of the function compiled under `sourceUrl` (unquoted). An empty list still
 * records the function: its frames are the template's, at lines nobody knows.
 *
 * @example
 * recordTemplateMarkers('/app/views/list.pug', [{ genLine: 7, genColumn: 1, file: '/app/views/list.pug', line: 3 }])
 */
export function recordTemplateMarkers(sourceUrl: string, markers: TemplateMarker[]): void {
  const sorted = [...markers].sort((a, b) => a.genLine - b.genLine || a.genColumn - b.genColumn);
  if (tables.size >= MAX_TEMPLATES && !tables.has(sourceUrl)) tables.clear();
  tables.set(sourceUrl, sorted);
}

/** Whether `file` names a compiled template whose frames {@link templateSite} maps. */
export const isTemplateFile = (file: string): boolean => tables.has(file);

/**
 * Where a frame of a compiled template is in the template, or null when `file` is no recorded
 * template: the last marker at or before the frame's position whose scope is still open there;
 * without one, the function's own file with its line unknown, never a neighbour's line.
 *
 * @example
 * templateSite('/app/views/list.ejs', 15, 3) // { file: '/app/views/list.ejs', line: 3 }
 */
export function templateSite(file: string, line: number, column: number): TemplateSite | null {
  const markers = tables.get(file);
  if (!markers) return null;
  let low = 0;
  let high = markers.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (before(markers[mid], line, column)) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  // The innermost marker still open here: a closed one (its block or parenthesis ended) is a neighbour's.
  for (let i = found; i >= 0; i--) {
    const marker = markers[i];
    const closed = marker.endLine !== undefined && marker.endColumn !== undefined
      && !before({ genLine: line, genColumn: column }, marker.endLine, marker.endColumn - 1);
    if (!closed) return { file: marker.file, line: marker.line };
  }
  return { file, line: null };
}

/** The template line of a frame, or null when `file` is no recorded template or the line is unknown. */
export function templateLine(file: string, line: number, column = 1): number | null {
  return templateSite(file, line, column)?.line ?? null;
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

/**
 * `\n//# sourceURL=…` for a compiled template's source: names its eval'd frames. A URL cannot
 * hold a line break, which would end the comment and run the rest as code.
 */
export function sourceUrlComment(name: string): string {
  return `\n//# sourceURL=${name.replace(/[\r\n\u2028\u2029]/g, ' ')}\n`;
}
