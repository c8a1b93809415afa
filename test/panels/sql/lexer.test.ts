import { describe, expect, it } from 'vitest';
import { lex, unquoteIdentifier, type LexTokenType } from '../../../server/panels/sql/lexer.js';
import { bindings } from '../../../server/panels/sql/placeholders.js';
import type { Dialect } from '../../../server/types.js';

/*
 * The one SQL lexer's rules, a row each, as each server reads the text. Every row was checked
 * against the server itself (PostgreSQL 15.20, MariaDB 10.11, SQLite 3.53 through better-sqlite3 and
 * sqlite3): e.g. `SELECT 1--1` is 2 on MariaDB, `SELECT 1 /* a /* b *\/ c *\/ + 2` is 3 on
 * PostgreSQL, `SELECT 1!=-1` is "operator does not exist: integer !=- integer" there, and
 * `SELECT * FROM 1set` reads a table named 1set on MariaDB.
 */

const read = (sql: string, dialect: Dialect) => lex(sql, dialect).map((t) => [t.type, sql.slice(t.start, t.end)]);

describe('the lexer, dialect by dialect', () => {
  it.each<[string, Dialect, string, [LexTokenType, string][]]>([
    // strings
    ["'' doubles a quote", 'postgres', "'it''s' x", [['string', "'it''s'"], ['word', 'x']]],
    ['PostgreSQL: no backslash escape in a plain string', 'postgres', "'C:\\' x", [['string', "'C:\\'"], ['word', 'x']]],
    ["PostgreSQL: E'…' takes backslash escapes", 'postgres', "E'a\\'b' x", [['string', "E'a\\'b'"], ['word', 'x']]],
    ["PostgreSQL: U&'…', B'…', X'…', N'…'", 'postgres', "U&'a' B'1' X'1F' N'n'", [['string', "U&'a'"], ['string', "B'1'"], ['string', "X'1F'"], ['string', "N'n'"]]],
    ['PostgreSQL: $$ and $tag$ strings', 'postgres', "$$a'b$$ $t$x$$y$t$", [['string', "$$a'b$$"], ['string', '$t$x$$y$t$']]],
    ['PostgreSQL: a $ inside a name is no string', 'postgres', 'a$b$ c', [['word', 'a$b$'], ['word', 'c']]],
    ['MySQL: backslash escapes', 'mysql', "'a\\'b' x", [['string', "'a\\'b'"], ['word', 'x']]],
    ['MySQL: "…" is a string', 'mysql', '"a\\"b" x', [['string', '"a\\"b"'], ['word', 'x']]],
    ["MySQL: X'…' ends at the first quote", 'mysql', "X'41' x", [['string', "X'41'"], ['word', 'x']]],
    ['SQLite: no backslash escape', 'sqlite', "'a\\' x", [['string', "'a\\'"], ['word', 'x']]],
    ["SQLite: B is a name before a string", 'sqlite', "b'1'", [['word', 'b'], ['string', "'1'"]]],
    // quoted names
    ['PostgreSQL: "…" and U&"…" are names; backticks are operators', 'postgres', '"a""b" U&"c" `d`',
      [['ident', '"a""b"'], ['ident', 'U&"c"'], ['operator', '`'], ['word', 'd'], ['operator', '`']]],
    ['MySQL: backticks', 'mysql', '`a``b`', [['ident', '`a``b`']]],
    ['SQLite: "…", backticks and [brackets]', 'sqlite', '"a" `b` [c d]', [['ident', '"a"'], ['ident', '`b`'], ['ident', '[c d]']]],
    ['PostgreSQL: [ is a subscript', 'postgres', 'a[i]', [['word', 'a'], ['punct', '['], ['word', 'i'], ['punct', ']']]],
    // comments
    ['-- to the end of the line', 'sqlite', '1 -- x\n2', [['number', '1'], ['comment', '-- x'], ['number', '2']]],
    ['PostgreSQL: -- ends at \\r too', 'postgres', '1 -- x\r2', [['number', '1'], ['comment', '-- x'], ['number', '2']]],
    ['MySQL: -- ends at \\n only', 'mysql', '1 -- x\r2', [['number', '1'], ['comment', '-- x\r2']]],
    ['MySQL: --1 is minus minus one', 'mysql', '1--1', [['number', '1'], ['operator', '-'], ['operator', '-'], ['number', '1']]],
    ['MySQL: # comment', 'mysql', '1 # x\n2', [['number', '1'], ['comment', '# x'], ['number', '2']]],
    ['PostgreSQL: # is an operator', 'postgres', "d #>> '{a}'", [['word', 'd'], ['operator', '#>>'], ['string', "'{a}'"]]],
    ['PostgreSQL: block comments nest', 'postgres', '/* a /* b */ c */ 1', [['comment', '/* a /* b */ c */'], ['number', '1']]],
    ['MySQL: they do not', 'mysql', '/* a /* b */ 1', [['comment', '/* a /* b */'], ['number', '1']]],
    // placeholders
    ['PostgreSQL: $1, and ? is an operator', 'postgres', '$1 ? $12', [['param', '$1'], ['operator', '?'], ['param', '$12']]],
    ['PostgreSQL: :name is no placeholder (array slices)', 'postgres', 'a[1:n]', [['word', 'a'], ['punct', '['], ['number', '1'], ['operator', ':'], ['word', 'n'], ['punct', ']']]],
    ["MySQL: ? and mysql2's :name; := assigns", 'mysql', '? :id @x:=1', [['param', '?'], ['param', ':id'], ['operator', '@'], ['word', 'x'], ['operator', ':='], ['number', '1']]],
    ['SQLite: ?, ?NNN, :name, @name, $name', 'sqlite', '? ?2 :a @b $c', [['param', '?'], ['param', '?2'], ['param', ':a'], ['param', '@b'], ['param', '$c']]],
    // numbers and names
    ['numbers', 'postgres', '1 1.5 .5 1e5 1.5e-3 0x1F', [['number', '1'], ['number', '1.5'], ['number', '.5'], ['number', '1e5'], ['number', '1.5e-3'], ['number', '0x1F']]],
    ['an exponent needs digits', 'postgres', '1e x', [['number', '1'], ['word', 'e'], ['word', 'x']]],
    ['MySQL: a name may start with digits', 'mysql', '2fa_codes 1set 0x41g 1e5x', [['word', '2fa_codes'], ['word', '1set'], ['word', '0x41g'], ['number', '1e5'], ['word', 'x']]],
    ['MySQL: a name may start with $', 'mysql', '$a', [['word', '$a']]],
    ['names go on past ASCII, a no-break space included', 'postgres', 'café\u00a0x y', [['word', 'café\u00a0x'], ['word', 'y']]],
    // operators
    ['PostgreSQL: :: and JSON operators', 'postgres', "a::int->>'k'", [['word', 'a'], ['operator', '::'], ['word', 'int'], ['operator', '->>'], ['string', "'k'"]]],
    ['PostgreSQL: =- is = then -', 'postgres', 'a=-1', [['word', 'a'], ['operator', '='], ['operator', '-'], ['number', '1']]],
    ['PostgreSQL: !=- is one operator', 'postgres', 'a!=-1', [['word', 'a'], ['operator', '!=-'], ['number', '1']]],
    ['PostgreSQL: an operator ends where a comment starts', 'postgres', 'a=--c\n1', [['word', 'a'], ['operator', '='], ['comment', '--c'], ['number', '1']]],
    ['MySQL: <=>, ->>, ||', 'mysql', "a<=>b->>'$.x'||c", [['word', 'a'], ['operator', '<=>'], ['word', 'b'], ['operator', '->>'], ['string', "'$.x'"], ['operator', '||'], ['word', 'c']]],
    ['SQLite: == and ->', 'sqlite', 'a==b->c', [['word', 'a'], ['operator', '=='], ['word', 'b'], ['operator', '->'], ['word', 'c']]],
    ['punctuation', 'postgres', 'f(a, b.c);', [['word', 'f'], ['punct', '('], ['word', 'a'], ['punct', ','], ['word', 'b'], ['punct', '.'], ['word', 'c'], ['punct', ')'], ['punct', ';']]],
  ])('%s', (_name, dialect, sql, expected) => {
    expect(read(sql, dialect)).toEqual(expected);
  });

  it.each<[string, Dialect, string, 'string' | 'ident' | 'comment']>([
    ['a string', 'postgres', "SELECT 'abc", 'string'],
    ['a dollar-quoted string', 'postgres', 'SELECT $x$ abc', 'string'],
    ['a quoted name', 'sqlite', 'SELECT [abc', 'ident'],
    ['a nested comment', 'postgres', 'SELECT /* /* */', 'comment'],
  ])('marks %s that never closes, which runs to the end', (_name, dialect, sql, type) => {
    const last = lex(sql, dialect).at(-1)!;
    expect(last).toMatchObject({ type, end: sql.length, unterminated: true });
  });

  it('marks MySQL executable comments and line comments', () => {
    expect(lex('/*! 1 */ /*M!100000 2 */ /* 3 */ -- 4', 'mysql').map((t) => [!!t.executable, !!t.line])).toEqual([
      [true, false], [true, false], [false, false], [false, true],
    ]);
  });

  it('reads settings: PostgreSQL with standard_conforming_strings off, MySQL with ANSI_QUOTES and NO_BACKSLASH_ESCAPES', () => {
    expect(lex("'a\\'b'", 'postgres', { backslashEscapes: true, ansiQuotes: true })).toHaveLength(1);
    expect(lex('"a"', 'mysql', { backslashEscapes: true, ansiQuotes: true })[0].type).toBe('ident');
    expect(lex("'a\\' x", 'mysql', { backslashEscapes: false, ansiQuotes: false }).map((t) => t.type)).toEqual(['string', 'word']);
  });

  it('unquotes names', () => {
    expect(['"a""b"', '`a``b`', '[a b]', 'U&"x"', '"open'].map(unquoteIdentifier)).toEqual(['a"b', 'a`b', 'a b', 'x', 'open']);
  });
});

describe('what each placeholder binds', () => {
  const bound = (sql: string, dialect: Dialect) => bindings(sql, lex(sql, dialect)).map(([t, b]) => [sql.slice(t.start, t.end), b]);
  it.each<[Dialect, string, unknown[]]>([
    ['postgres', 'SELECT $2, $1, $2', [['$2', { position: 1 }], ['$1', { position: 0 }], ['$2', { position: 1 }]]],
    ['mysql', 'SELECT ?, :id, ?', [['?', { position: 0 }], [':id', { name: 'id' }], ['?', { position: 1 }]]],
    // sqlite3: `SELECT ?, ?2, ?` with a, b, c gives a, b, c; `SELECT ?3, ?` with 1, 2, 3, 4 gives 3, 4.
    ['sqlite', 'SELECT ?, ?2, ?', [['?', { position: 0 }], ['?2', { position: 1 }], ['?', { position: 2 }]]],
    ['sqlite', 'SELECT ?3, ?, $a', [['?3', { position: 2 }], ['?', { position: 3 }], ['$a', { name: 'a' }]]],
  ])('%s: %s', (dialect, sql, expected) => {
    expect(bound(sql, dialect)).toEqual(expected);
  });
});
