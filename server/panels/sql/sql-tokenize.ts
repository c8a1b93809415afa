/*
 * The SQL tokenizer the shape readers share: identifiers without their quotes, keywords
 * lower-cased, placeholders with their params index. Not a parser: readers walk the tokens.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** As written. */
  text: string;
  /** Identifiers without their quotes; keywords lower-cased; the same as `text` otherwise. */
  value: string;
  start: number;
  end: number;
  /** For `param`: the 0-based position in the params array, when the placeholder says it. */
  paramIndex?: number;
}

/** A comparison of one column with the value that changes from one run to the next. */
function unquote(text: string): string {
  const open = text[0];
  if (open === '"' || open === '`') return text.slice(1, -1).split(open + open).join(open);
  if (open === '[') return text.slice(1, -1);
  return text;
}

function endOfQuoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) { i += 2; continue; }
      return i + 1;
    }
    if (close === "'" && sql[i] === '\\') { i += 2; continue; }
    i++;
  }
  return sql.length;
}

/** Splits SQL into tokens, skipping comments and spaces. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let questionMarks = 0;
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string, paramIndex?: number) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, start: i, end, ...(paramIndex === undefined ? {} : { paramIndex }) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && next === '-') { while (i < sql.length && sql[i] !== '\n') i++; continue; }
    if (c === '/' && next === '*') { const end = sql.indexOf('*/', i + 2); i = end < 0 ? sql.length : end + 2; continue; }
    if (c === "'") { push('string', endOfQuoted(sql, i, "'")); continue; }
    if (c === '"' || c === '`') { const end = endOfQuoted(sql, i, c); push('quoted', end, unquote(sql.slice(i, end))); continue; }
    if (c === '[' && /[A-Za-z_]/.test(next ?? '')) {
      const end = endOfQuoted(sql, i, ']');
      push('quoted', end, unquote(sql.slice(i, end)));
      continue;
    }
    const dollar = c === '$' ? /^\$(\d+)/.exec(sql.slice(i, i + 12)) : null;
    if (dollar) { push('param', i + dollar[0].length, undefined, Number(dollar[1]) - 1); continue; }
    if (c === '?') { push('param', i + 1, undefined, questionMarks++); continue; }
    if ((c === ':' || c === '@') && /[A-Za-z_]/.test(next ?? '') && sql[i - 1] !== ':') {
      const match = /^[:@][A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 130));
      push('param', i + (match?.[0].length ?? 1));
      continue;
    }
    if (/[0-9]/.test(c)) { const match = /^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?/i.exec(sql.slice(i, i + 64)); push('number', i + match![0].length); continue; }
    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 130));
      const end = i + match![0].length;
      push('word', end, match![0].toLowerCase());
      continue;
    }
    const two = sql.slice(i, i + 2);
    push('punct', ['<>', '!=', '<=', '>=', '::', '||'].includes(two) ? i + 2 : i + 1);
  }
  return tokens;
}

export const isIdentifier = (token: Token | undefined) => token !== undefined && (token.kind === 'quoted' || token.kind === 'word');

/** `a`, `"s"."t"`, `` `db`.`t` ``: the last part is the name, the one before it the qualifier. */
export function readDotted(tokens: Token[], at: number): { parts: string[]; next: number } | null {
  if (!isIdentifier(tokens[at])) return null;
  const parts = [tokens[at].value];
  let i = at + 1;
  while (tokens[i]?.text === '.' && isIdentifier(tokens[i + 1])) {
    parts.push(tokens[i + 1].value);
    i += 2;
  }
  return { parts, next: i };
}

/** Index of the matching `)` for the `(` at `open`, or -1. */
export function closeParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level index of the first word in `words` at or after `from`, or `tokens.length`. */
export function findTopLevel(tokens: Token[], from: number, words: Set<string>): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && words.has(t.value)) return i;
  }
  return tokens.length;
}

