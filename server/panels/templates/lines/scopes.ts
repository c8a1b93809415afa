/**
 * Where the scope of each marker in generated code ends: the first offset after it where the
 * nesting of brackets drops below the marker's. Pug's `pug_debug_line` holds until the block it
 * is in closes (`}).call(this)` after an `each` is the `each`'s line again, not its body's), and
 * Nunjucks' `(lineno = …, call)` only inside its parentheses (a filter after it is no call of it).
 * Strings and comments are skipped; a regular expression literal with a bracket in it would
 * miscount, which the engines' own code never holds.
 *
 * @example
 * scopeEnds('{ a; ( M ) b }', [7]) // [9]: the `)` closing the parenthesis M is in
 */
export function scopeEnds(code: string, offsets: readonly number[]): number[] {
  const ends = offsets.map(() => code.length);
  const open: { index: number; depth: number }[] = [];
  let next = 0;
  let depth = 0;
  for (let i = 0; i <= code.length; i++) {
    while (next < offsets.length && offsets[next] <= i) open.push({ index: next++, depth });
    if (i === code.length) break;
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      i = stringEnd(code, i, c);
    } else if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      i = end === -1 ? code.length - 1 : end;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length - 1 : end + 1;
    } else if (c === '{' || c === '(' || c === '[') {
      depth += 1;
    } else if (c === '}' || c === ')' || c === ']') {
      depth -= 1;
      while (open.length > 0 && open[open.length - 1].depth > depth) ends[open.pop()!.index] = i;
    }
  }
  return ends;
}

/** The offset of the quote closing the string that opens at `start` (a template literal's `${…}` skipped whole). */
function stringEnd(code: string, start: number, quote: string): number {
  for (let i = start + 1; i < code.length; i++) {
    const c = code[i];
    if (c === '\\') {
      i += 1;
    } else if (c === quote) {
      return i;
    } else if (quote === '`' && c === '$' && code[i + 1] === '{') {
      let depth = 0;
      for (i += 1; i < code.length; i++) {
        if (code[i] === '{') depth += 1;
        else if (code[i] === '}' && --depth === 0) break;
      }
    } else if (c === '\n' && quote !== '`') {
      return i;
    }
  }
  return code.length - 1;
}
