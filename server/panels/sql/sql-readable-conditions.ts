/*
 * Whether the conditions of a WHERE or ON are all ones a fix reads (`column = value`, `IN (…)`,
 * `= ANY(…)`, `a.x = b.y`), AND-ed: anything else (an OR, a range, a function) means a batched
 * query could not keep them as they are.
 */
import { closeParen, readDotted, type Token } from './sql-tokenize.js';

function hasTopLevelAnd(tokens: Token[], from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')') depth--;
    else if (depth === 0 && tokens[i].kind === 'word' && tokens[i].value === 'and') return true;
  }
  return false;
}

/** Whether each AND-ed condition between two positions is one a fix reads (or a column = column join). */
export function conditionsRead(tokens: Token[], from: number, to: number): boolean {
  let depth = 0;
  let start = from;
  const readable = (a: number, b: number): boolean => {
    while (tokens[a]?.text === '(' && closeParen(tokens, a) === b - 1) { a++; b--; }
    if (a >= b) return true;
    // A parenthesised group of AND-ed conditions, `((a = 1) AND (b = 2))`. Only an AND outside any
    // further parentheses splits it: one inside `EXISTS(… AND …)` would split nothing and recurse forever.
    if (hasTopLevelAnd(tokens, a, b)) return conditionsRead(tokens, a, b);
    const ref = readDotted(tokens, a);
    if (!ref) return false;
    let j = ref.next;
    if (tokens[j]?.text === '::') j += 2;
    const op = tokens[j];
    if (op?.text === '=' && (tokens[j + 1]?.kind === 'param' || tokens[j + 1]?.kind === 'number' || tokens[j + 1]?.kind === 'string')) return j + 2 === b;
    if (op?.text === '=' && tokens[j + 1]?.value === 'any') return closeParen(tokens, j + 2) === b - 1;
    if (op?.text === '=' && readDotted(tokens, j + 1)?.next === b) return true;
    if (op?.value === 'in' && tokens[j + 1]?.text === '(' && tokens[j + 2]?.value !== 'select') return closeParen(tokens, j + 1) === b - 1;
    return false;
  };
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value === 'or') return false;
    else if (depth === 0 && t.kind === 'word' && t.value === 'and') {
      if (!readable(start, i)) return false;
      start = i + 1;
    }
  }
  return readable(start, to);
}

