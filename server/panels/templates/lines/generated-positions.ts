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
