import { recordTemplateMarkers, sourceUrlComment } from '../../../stack/template-lines.js';
import { scopedMarkers } from './generated-positions.js';

/** `;pug_debug_line = 3;pug_debug_filename = "\u002Fapp\u002Fviews\u002Flist.pug";` before each line's code. */
const MARKER = /;pug_debug_line = (\d+);pug_debug_filename = ("(?:[^"\\\n]|\\.)*")/g;

/**
 * The body of a Pug view's function with its template lines recorded, named `file` by a
 * sourceURL. With `compileDebug` (Pug's default), Pug sets `pug_debug_line` and
 * `pug_debug_filename` before the code of each template line, the included files' lines too;
 * without it the frames keep the view's file, and their line is unknown. A marker holds until the
 * block it is in closes (lines/scopes.ts). Pug wraps the body in
 * `new Function('pug', body + …)`: two lines of header.
 *
 * @example
 * const plugin = { postCodeGen: (js) => withPugLines('/app/views/list.pug', js) };
 */
export function withPugLines(file: string, js: string): string {
  const found: { offset: number; file: string; line: number }[] = [];
  for (const match of js.matchAll(MARKER)) {
    try {
      found.push({ offset: match.index, file: JSON.parse(match[2]) as string, line: Number(match[1]) });
    } catch {
      // Not a marker Pug wrote.
    }
  }
  recordTemplateMarkers(file, scopedMarkers(js, found));
  return js + sourceUrlComment(file);
}
