import { recordTemplateMarkers, sourceUrlComment } from '../../../stack/template-lines.js';
import { scopedMarkers } from './generated-positions.js';

/** `(lineno = 2, colno = 34, runtime.callWrap(…))` around each call the template makes (0-based). */
const MARKER = /\(lineno = (\d+), colno = \d+, /g;

/**
 * The source Nunjucks compiled a template into, with its template lines recorded, named `file`
 * by a sourceURL. Nunjucks marks the calls a template makes (`{{ authorOf(a.id) }}`) with their
 * line, not its filters or tags: a frame outside a marked call keeps the file, its line unknown.
 * `Template#_compile` runs it as `new Function(source)`: two lines of header.
 *
 * @example
 * withNunjucksLines('/app/views/list.njk', compiler.compile(src, [], [], '/app/views/list.njk', {}))
 */
export function withNunjucksLines(file: string, source: string): string {
  const found = [...source.matchAll(MARKER)].map((m) => ({ offset: m.index + 1, file, line: Number(m[1]) + 1 }));
  recordTemplateMarkers(file, scopedMarkers(source, found));
  return source + sourceUrlComment(file);
}
