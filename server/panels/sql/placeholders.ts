/*
 * What each placeholder of a statement binds, by the lexer's tokens (lexer.ts): shared by the
 * shape readers (a filter's params index), redaction (which params to hide) and the UI's
 * Copy-with-params.
 */

/** A placeholder's binding: a 0-based position in the params, or a name. */
export type Binding = { position: number } | { name: string };

/**
 * The binding of every placeholder token, in order: `$n` is position n-1; `?` the next position
 * (SQLite: one more than the largest so far, so `?, ?2, ?` binds 1, 2, 3, as SQLite does);
 * `?NNN` position NNN-1; `:name`, `@name`, `$name` a name.
 *
 * @example
 * bindings('SELECT ?, ?2, ?', lex('SELECT ?, ?2, ?', 'sqlite')).map(([, b]) => b)
 * // [{ position: 0 }, { position: 1 }, { position: 2 }]
 */
export function bindings<T extends { type: string; start: number; end: number }>(sql: string, tokens: readonly T[]): [T, Binding][] {
  const out: [T, Binding][] = [];
  let largest = 0;
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    const first = sql[t.start];
    const number = sql.slice(t.start + 1, t.end);
    if ((first === '$' || first === '?') && /^\d*$/.test(number) && (number !== '' || first === '?')) {
      const n = number === '' ? largest + 1 : Number(number);
      largest = Math.max(largest, n);
      out.push([t, { position: n - 1 }]);
    } else {
      out.push([t, { name: number }]);
    }
  }
  return out;
}
