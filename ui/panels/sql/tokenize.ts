/**
 * A small SQL tokenizer for highlighting and for finding placeholders. It is not a parser: it
 * only needs to know where strings, quoted identifiers and comments start and end, so that a
 * `?` or `$1` inside them is never mistaken for a placeholder.
 */
import type { Dialect } from '../../../server/types.js';
import { SQL_KEYWORDS } from './keywords.js';

export type TokenType =
  | 'keyword'
  | 'identifier'
  | 'quoted-identifier'
  | 'string'
  | 'number'
  | 'comment'
  | 'param'
  | 'operator'
  | 'punctuation'
  | 'whitespace';

export interface Token {
  type: TokenType;
  text: string;
}

interface Rule {
  type: TokenType;
  /** Sticky regexes, tried at the current position in order. */
  re: RegExp;
  dialects?: readonly Dialect[];
}

const RULES: Rule[] = [
  { type: 'whitespace', re: /\s+/y },
  { type: 'comment', re: /--[^\n]*/y },
  { type: 'comment', re: /#[^\n]*/y, dialects: ['mysql'] },
  { type: 'comment', re: /\/\*[\s\S]*?(?:\*\/|$)/y },
  // PostgreSQL E'…' strings honour backslash escapes; plain ones only double quotes.
  { type: 'string', re: /[eE]'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)/y, dialects: ['postgres'] },
  { type: 'string', re: /'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)/y, dialects: ['mysql'] },
  { type: 'string', re: /"(?:[^"\\]|\\[\s\S]|"")*(?:"|$)/y, dialects: ['mysql'] },
  { type: 'string', re: /'(?:[^']|'')*(?:'|$)/y },
  { type: 'string', re: /(\$(?:[A-Za-z_]\w*)?\$)[\s\S]*?(?:\1|$)/y, dialects: ['postgres'] },
  { type: 'quoted-identifier', re: /"(?:[^"]|"")*(?:"|$)/y },
  { type: 'quoted-identifier', re: /`(?:[^`]|``)*(?:`|$)/y, dialects: ['mysql', 'sqlite'] },
  { type: 'quoted-identifier', re: /\[[^\]]*(?:\]|$)/y, dialects: ['sqlite'] },
  { type: 'param', re: /\$\d+/y, dialects: ['postgres'] },
  { type: 'param', re: /\?\d*/y, dialects: ['mysql', 'sqlite'] },
  { type: 'param', re: /[:@$][A-Za-z_]\w*/y, dialects: ['sqlite'] },
  { type: 'number', re: /0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y },
  { type: 'identifier', re: /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y },
  { type: 'operator', re: /::|[<>=!~+\-*/%|&^:@#?]+/y },
  { type: 'punctuation', re: /[\s\S]/y },
];

const rulesFor = (dialect: Dialect): Rule[] => RULES.filter((r) => !r.dialects || r.dialects.includes(dialect));
const RULES_BY_DIALECT: Record<Dialect, Rule[]> = {
  postgres: rulesFor('postgres'),
  mysql: rulesFor('mysql'),
  sqlite: rulesFor('sqlite'),
};

/**
 * Splits SQL into tokens whose texts, joined, give back the input exactly.
 *
 * @example
 * tokenize("SELECT 'a?' FROM t WHERE id = ?", 'mysql').filter((t) => t.type === 'param')
 * // → [{ type: 'param', text: '?' }]
 */
export function tokenize(sql: string, dialect: Dialect): Token[] {
  const rules = RULES_BY_DIALECT[dialect] ?? RULES_BY_DIALECT.postgres;
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < sql.length) {
    for (const rule of rules) {
      rule.re.lastIndex = pos;
      const match = rule.re.exec(sql);
      if (!match || match[0].length === 0) continue;
      const text = match[0];
      const type = rule.type === 'identifier' && SQL_KEYWORDS.has(text.toUpperCase()) ? 'keyword' : rule.type;
      tokens.push({ type, text });
      pos += text.length;
      break;
    }
  }
  return tokens;
}
