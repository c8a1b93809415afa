import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, shapeTokens } from '../../../server/panels/sql/fingerprint.js';
import { lex, type LexTokenType } from '../../../server/panels/sql/lexer.js';
import type { Dialect } from '../../../server/types.js';

/*
 * The fingerprint held to the lexer on random SQL built from token fragments of each dialect:
 * two texts the lexer says differ only in literal values (strings, numbers, placeholders of any
 * spelling) or comments get the same fingerprint; texts that differ in a keyword or a name get
 * different ones. The fragments are checked against the lexer first, so a fragment the lexer
 * reads otherwise than the generator meant fails loudly instead of proving nothing.
 */

type Kind = 'keyword' | 'name' | 'literal' | 'operator' | 'punct' | 'comment';
interface Fragment { kind: Kind; text: string; types: LexTokenType[] }

const KEYWORDS = ['select', 'from', 'where', 'and', 'or', 'join', 'on', 'order', 'by', 'limit', 'in', 'as', 'group', 'values', 'set', 'not', 'null'];
const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((w) => !KEYWORDS.includes(w));
const inner = fc.stringMatching(/^[a-zA-Z0-9 ,;?$:@#*/-]{0,8}$/);

const QUOTED_NAMES: Record<Dialect, (s: string) => string> = {
  postgres: (s) => `"${s.replace(/"/g, '""')}"`,
  mysql: (s) => `\`${s.replace(/`/g, '``')}\``,
  sqlite: (s) => `[${s.replace(/]/g, '')}]`,
};

function literals(dialect: Dialect): fc.Arbitrary<string> {
  const common = [
    inner.map((s) => `'${s.replace(/'/g, "''")}'`),
    fc.constantFrom("'it''s'", '12', '1.5', '.5', '1e5', '1e+5', '2.5E-3', '0x1F'),
  ];
  const own: Record<Dialect, fc.Arbitrary<string>[]> = {
    postgres: [
      fc.integer({ min: 1, max: 30 }).map((n) => `$${n}`),
      inner.map((s) => `E'${s.replace(/'/g, "\\'")}'`),
      inner.filter((s) => !s.includes('$')).map((s) => `$q$${s}$q$`),
      fc.constantFrom("$$a'b$$", "X'1F'", "B'101'", "U&'x'"),
    ],
    mysql: [
      fc.constant('?'),
      word.map((w) => `:${w}`),
      inner.map((s) => `'${s.replace(/'/g, "\\'")}'`),
      inner.map((s) => `"${s.replace(/"/g, '\\"')}"`),
      fc.constantFrom("X'41'", "N'n'", '0b101'),
    ],
    sqlite: [
      fc.constant('?'),
      fc.integer({ min: 1, max: 30 }).map((n) => `?${n}`),
      word.map((w) => `:${w}`), word.map((w) => `@${w}`), word.map((w) => `$${w}`),
      fc.constantFrom("X'1F'", "'a\\'"),
    ],
  };
  return fc.oneof(...common, ...own[dialect]);
}

const OPERATORS: Record<Dialect, string[]> = {
  postgres: ['=', '<>', '<=', '>=', '!=', '||', '::', '->>', '#>>', '@>', '~*', '+', '-', '*', '/', '?'],
  mysql: ['=', '<>', '<=', '>=', '!=', '||', '<=>', '->>', ':=', '+', '-', '*', '/'],
  sqlite: ['=', '==', '<>', '<=', '>=', '!=', '||', '->>', '+', '-', '*', '/'],
};
const COMMENTS: Record<Dialect, string[]> = {
  postgres: ['-- note\n', '/* c */', '/* a /* nested */ b */', '-- cr\r'],
  mysql: ['-- note\n', '/* c */', '# note\n'],
  sqlite: ['-- note\n', '/* c */'],
};

function fragment(dialect: Dialect): fc.Arbitrary<Fragment> {
  return fc.oneof(
    fc.record({ kind: fc.constant<Kind>('keyword'), text: fc.constantFrom(...KEYWORDS).chain((k) => fc.constantFrom(k, k.toUpperCase())), types: fc.constant<LexTokenType[]>(['word']) }),
    fc.record({ kind: fc.constant<Kind>('name'), text: word, types: fc.constant<LexTokenType[]>(['word']) }),
    fc.record({ kind: fc.constant<Kind>('name'), text: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _]{0,5}$/).map(QUOTED_NAMES[dialect]), types: fc.constant<LexTokenType[]>(['ident']) }),
    fc.record({ kind: fc.constant<Kind>('literal'), text: literals(dialect), types: fc.constant<LexTokenType[]>([]) }),
    fc.record({ kind: fc.constant<Kind>('operator'), text: fc.constantFrom(...OPERATORS[dialect]), types: fc.constant<LexTokenType[]>(['operator']) }),
    fc.record({ kind: fc.constant<Kind>('punct'), text: fc.constantFrom('(', ')', ',', '.', ';'), types: fc.constant<LexTokenType[]>(['punct']) }),
    fc.record({ kind: fc.constant<Kind>('comment'), text: fc.constantFrom(...COMMENTS[dialect]), types: fc.constant<LexTokenType[]>(['comment']) }),
  );
}

/** Fragments joined by whitespace, so that none runs into the next (`<` `=` would be `<=`). */
const sqlOf = (fragments: Fragment[]) => fragments.map((f) => f.text).join(' ');
const LITERAL_TYPES = new Set<LexTokenType>(['string', 'number', 'param']);

describe.each<[Dialect]>([['postgres'], ['mysql'], ['sqlite']])('the fingerprint against the lexer (%s)', (dialect) => {
  const statements = fc.array(fragment(dialect), { minLength: 1, maxLength: 14 });

  it('the fragments are the tokens the lexer reads', () => {
    fc.assert(fc.property(statements, (fragments) => {
      const sql = sqlOf(fragments);
      const types = lex(sql, dialect).map((t) => t.type);
      const meant = fragments.flatMap((f) => (f.kind === 'literal' ? ['literal'] : f.types));
      expect(types.map((t) => (LITERAL_TYPES.has(t) ? 'literal' : t))).toEqual(meant);
    }), { numRuns: 300 });
  });

  it('reads the same tokens as the lexer', () => {
    fc.assert(fc.property(statements, (fragments) => {
      const sql = sqlOf(fragments);
      const fromLexer = lex(sql, dialect).filter((t) => t.type !== 'comment').map((t) => {
        const text = sql.slice(t.start, t.end);
        return LITERAL_TYPES.has(t.type) ? '?' : t.type === 'word' ? text.toLowerCase() : text;
      });
      expect(shapeTokens(sql, dialect)).toEqual(fromLexer);
    }), { numRuns: 300 });
  });

  it('texts that differ only in literal values and comments get the same fingerprint', () => {
    const variant = statements.chain((fragments) => fc.tuple(
      fc.constant(fragments),
      fc.tuple(...fragments.map((f) => (f.kind === 'literal' ? literals(dialect).map((text) => ({ ...f, text }))
        : f.kind === 'comment' ? fc.constantFrom(...COMMENTS[dialect]).map((text) => ({ ...f, text })) : fc.constant(f)))),
    ));
    fc.assert(fc.property(variant, ([a, b]) => {
      expect(fingerprint(sqlOf(b), dialect)).toBe(fingerprint(sqlOf(a), dialect));
    }), { numRuns: 300 });
  });

  it('texts that differ in a keyword or a name get different fingerprints', () => {
    const variant = statements
      .filter((fragments) => fragments.some((f) => f.kind === 'keyword' || f.kind === 'name'))
      .chain((fragments) => {
        const places = fragments.flatMap((f, i) => (f.kind === 'keyword' || f.kind === 'name' ? [i] : []));
        return fc.tuple(fc.constant(fragments), fc.constantFrom(...places), fc.oneof(word, fc.constantFrom(...KEYWORDS)));
      })
      .filter(([fragments, at, text]) => fragments[at].text.toLowerCase() !== text);
    fc.assert(fc.property(variant, ([fragments, at, text]) => {
      const changed = fragments.map((f, i) => (i === at ? { ...f, kind: 'name' as const, text, types: ['word' as const] } : f));
      expect(fingerprint(sqlOf(changed), dialect)).not.toBe(fingerprint(sqlOf(fragments), dialect));
    }), { numRuns: 300 });
  });
});
