/**
 * A very small JavaScript/TypeScript tokenizer for the suggested fixes: enough to colour strings,
 * comments, numbers and keywords. Never a parser; anything unknown is plain text.
 */
export type CodeTokenType = 'keyword' | 'string' | 'number' | 'comment' | 'plain';

export interface CodeToken {
  type: CodeTokenType;
  text: string;
}

const KEYWORDS = new Set(
  ('const let var await async function return if else for of in new import from export default class ' +
    'extends true false null undefined this typeof as interface type').split(' '),
);

const RULES: ReadonlyArray<[CodeTokenType | 'word', RegExp]> = [
  ['comment', /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y],
  ['string', /'(?:[^'\\\n]|\\.)*'?|"(?:[^"\\\n]|\\.)*"?|`(?:[^`\\]|\\[\s\S])*`?/y],
  ['number', /\b\d[\d_]*(?:\.\d+)?\b/y],
  ['word', /[A-Za-z_$][\w$]*/y],
];

/**
 * @example
 * tokenizeCode("await db('users')") // → [keyword 'await', plain ' ', plain 'db', plain '(', string "'users'", plain ')']
 */
export function tokenizeCode(code: string): CodeToken[] {
  const tokens: CodeToken[] = [];
  const push = (type: CodeTokenType, text: string) => {
    const last = tokens[tokens.length - 1];
    if (type === 'plain' && last?.type === 'plain') last.text += text;
    else tokens.push({ type, text });
  };
  let at = 0;
  outer: while (at < code.length) {
    for (const [type, re] of RULES) {
      re.lastIndex = at;
      const match = re.exec(code);
      if (match && match[0]) {
        const text = match[0];
        push(type === 'word' ? (KEYWORDS.has(text) ? 'keyword' : 'plain') : type, text);
        at += text.length;
        continue outer;
      }
    }
    push('plain', code[at]);
    at += 1;
  }
  return tokens;
}
