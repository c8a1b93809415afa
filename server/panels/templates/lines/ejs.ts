import { FUNCTION_HEADER, recordTemplateMarkers, type TemplateMarker } from '../../../stack/template-lines.js';

/** EJS's compileDebug wrapper before the generated source: `var __line = 1`, `__lines`, `__filename`, `try {`. */
const EJS_DEBUG_HEADER = 4;

/**
 * Records where the template lines of an EJS view are in its compiled function, from the
 * compiled Template (`this.source` and `this.opts` after `Template#compile`). EJS names the
 * function by `//# sourceURL=` after the file and, with `compileDebug` (its default), sets
 * `__line = N` before the code of each template line. Without `compileDebug` there are no
 * markers, and client functions are not run here: nothing recorded.
 *
 * @example
 * recordEjsLines('/app/views/list.ejs', template.source, template.opts)
 */
export function recordEjsLines(file: string, source: string, opts: { compileDebug?: boolean; strict?: boolean; client?: boolean }): void {
  if (!opts.compileDebug || opts.client) return;
  const offset = FUNCTION_HEADER + EJS_DEBUG_HEADER + (opts.strict ? 1 : 0);
  const markers: TemplateMarker[] = [{ genLine: 1, genColumn: 1, file, line: 1 }];
  for (const [i, line] of source.split('\n').entries()) {
    const marker = /^\s*; __line = (\d+)$/.exec(line);
    if (marker) markers.push({ genLine: offset + i + 1, genColumn: 1, file, line: Number(marker[1]) });
  }
  recordTemplateMarkers(file, markers);
}
