/* Small helpers for writing JavaScript source in a fix. */

/** A string literal for source code: single quotes when possible, a template literal otherwise. */
export function quoteJs(text: string): string {
  if (!/['\n\\]/.test(text)) return `'${text}'`;
  return '`' + text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/** A value as a JavaScript literal, short. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return quoteJs(value);
  if (typeof value === 'bigint') return `${value}n`;
  const json = JSON.stringify(value);
  return json === undefined ? 'undefined' : json;
}

/** `// ids: the author_id values the loop looked up, e.g. [1, 2, 3]`. */
export function sampleComment(what: string, column: string, values: readonly unknown[]): string {
  const sample = values.slice(0, 3).map(literal).join(', ');
  return `// ${what}: the ${column} values the loop looked up${sample ? `, e.g. [${sample}${values.length > 3 ? ', …' : ''}]` : ''}`;
}
