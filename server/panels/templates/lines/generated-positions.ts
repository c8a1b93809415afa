import { FUNCTION_HEADER, type TemplateMarker } from '../../../stack/template-lines.js';
import { scopeEnds } from './scopes.js';

/**
 * The 1-based line and column of each offset in generated code, for readers that find markers
 * with a regular expression. Offsets must be asked in increasing order.
 *
 * @example
 * const at = positionsIn('a\nbc', 2); at(3) // { genLine: 4, genColumn: 2 } (2 header lines)
 */
export function positionsIn(code: string, headerLines: number): (offset: number) => { genLine: number; genColumn: number } {
  let line = headerLines + 1;
  let lineStart = 0;
  let scanned = 0;
  return (offset) => {
    for (; scanned < offset; scanned++) {
      if (code.charCodeAt(scanned) === 10) {
        line += 1;
        lineStart = scanned + 1;
      }
    }
    return { genLine: line, genColumn: offset - lineStart + 1 };
  };
}

/**
 * Markers found at `offset`s of a compiled function's body, with where each one's scope closes
 * (scopes.ts), in V8's coordinates: `new Function` puts {@link FUNCTION_HEADER} lines first.
 *
 * @example
 * scopedMarkers(js, [{ offset: 120, file: '/app/views/list.pug', line: 3 }])
 */
export function scopedMarkers(code: string, found: readonly { offset: number; file: string; line: number }[]): TemplateMarker[] {
  const ends = scopeEnds(code, found.map((m) => m.offset));
  // Offsets are asked in increasing order: the markers, then their ends.
  const start = positionsIn(code, FUNCTION_HEADER);
  const markers: TemplateMarker[] = found.map((m) => ({ ...start(m.offset), file: m.file, line: m.line }));
  const end = positionsIn(code, FUNCTION_HEADER);
  for (const { offset, i } of ends.map((offset, i) => ({ offset, i })).sort((a, b) => a.offset - b.offset)) {
    const { genLine, genColumn } = end(offset);
    markers[i].endLine = genLine;
    markers[i].endColumn = genColumn;
  }
  return markers;
}
