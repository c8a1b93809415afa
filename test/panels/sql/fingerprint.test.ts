import { describe, expect, it } from 'vitest';
import { fingerprint, normalizeSql } from '../../../server/panels/sql/fingerprint.js';
import { boundParams } from '../../../server/panels/sql/bounded-params.js';
import type { Dialect } from '../../../server/types.js';

describe('normalizeSql', () => {
  it.each<[string, string, Dialect?]>([
    ['SELECT * FROM users WHERE id = 1', 'select * from users where id = ?'],
    ['select  *\n from users\twhere id = $1', 'select * from users where id = ?'],
    ['SELECT * FROM users WHERE id = ?', 'select * from users where id = ?'],
    ['SELECT * FROM users WHERE id = :id', 'select * from users where id = ?', 'mysql'],
    ["SELECT * FROM t WHERE name = 'O''Brien'", 'select * from t where name = ?'],
    ["SELECT * FROM t WHERE name = E'it\\'s'", 'select * from t where name = ?'],
    ['SELECT * FROM t WHERE id IN (1, 2, 3)', 'select * from t where id in (?)'],
    ['SELECT * FROM t WHERE id IN ($1, $2, $3, $4)', 'select * from t where id in (?)'],
    ['INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6)', 'insert into t (a, b) values (?)'],
    ['SELECT "UserName" FROM "Users"', 'select "UserName" from "Users"'],
    ['SELECT `id` FROM `t`', 'select `id` from `t`', 'mysql'],
    ['SELECT 1 -- trailing comment', 'select ?'],
    ['SELECT /* hint */ 1', 'select ?'],
    ['SELECT $body$ text with \'quotes\' $body$', 'select ?'],
    ['SELECT x::int FROM t', 'select x :: int from t'],
    ['SELECT 1.5e3, .5', 'select ?, ?'],
    ['SELECT "it\'s" FROM t', 'select "it\'s" from t'],
  ])('%s', (sql, expected, dialect) => {
    expect(normalizeSql(sql, dialect)).toBe(expected);
  });

  // Rules the old fingerprint scanner read otherwise than the servers (and than the lexer, lexer.ts).
  it.each<[string, Dialect, string, string, boolean]>([
    ['MySQL: "…" is a string, so its value is no part of the shape', 'mysql', 'SELECT * FROM t WHERE a = "x"', 'SELECT * FROM t WHERE a = "y"', true],
    ['MySQL: # starts a comment', 'mysql', 'SELECT 1 # first', 'SELECT 1 # second', true],
    ["MySQL: \\' does not end a string", 'mysql', "SELECT * FROM t WHERE a = 'it\\'s' AND b = 1", "SELECT * FROM t WHERE a = 'x' AND b = 1", true],
    ['MySQL: --1 is no comment', 'mysql', 'SELECT a--1\nFROM t', 'SELECT a\nFROM t', false],
    ['PostgreSQL: block comments nest', 'postgres', 'SELECT /* a /* b */ c */ 1', 'SELECT /* x */ 1', true],
    ['PostgreSQL: a line comment ends at \\r', 'postgres', 'SELECT a -- c\r, b FROM t', 'SELECT a -- c\r, z FROM t', false],
    ['PostgreSQL: :name is no placeholder (an array slice)', 'postgres', 'SELECT a[1:n] FROM t', 'SELECT a[1:m] FROM t', false],
    ['an exponent with a sign is one number', 'postgres', 'SELECT * FROM t WHERE x = 1e+5', 'SELECT * FROM t WHERE x = 2', true],
    ['names go on past ASCII', 'postgres', 'SELECT café FROM t', 'SELECT caf é FROM t', false],
    ['SQLite: ?NNN is one placeholder', 'sqlite', 'SELECT * FROM t WHERE a = ?2', 'SELECT * FROM t WHERE a = ?', true],
  ])('%s', (_name, dialect, a, b, same) => {
    expect(fingerprint(a, dialect) === fingerprint(b, dialect)).toBe(same);
  });

  it('reads by PostgreSQL\'s rules when no dialect is given', () => {
    expect(normalizeSql('SELECT "a" FROM t WHERE b = $1 # c')).toBe(normalizeSql('SELECT "a" FROM t WHERE b = $1 # c', 'postgres'));
  });

  it('gives the same fingerprint to the same shape and another to another shape', () => {
    expect(fingerprint('SELECT * FROM a WHERE id = 1')).toBe(fingerprint('select * from a where id = $1'));
    expect(fingerprint('SELECT * FROM a WHERE id IN (1)')).toBe(fingerprint('SELECT * FROM a WHERE id IN (1, 2, 3)'));
    expect(fingerprint('SELECT * FROM a WHERE id = 1')).not.toBe(fingerprint('SELECT * FROM b WHERE id = 1'));
    expect(fingerprint('SELECT "A" FROM t')).not.toBe(fingerprint('SELECT "a" FROM t'));
    expect(fingerprint('SELECT 1')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('boundParams', () => {
  it.each([
    [undefined, []],
    [[1, 'a', true, null, undefined], [1, 'a', true, null, null]],
    [[10n], ['10']],
    [[new Date('2026-01-02T03:04:05Z')], ['2026-01-02T03:04:05.000Z']],
    [[Buffer.alloc(2048)], ['[2048 bytes]']],
    [[{ a: 1 }], ['{"a":1}']],
    [[[1, [2, [3, [4]]]]], [[1, [2, [3, '[…]']]]]],
    [[Number.NaN], ['NaN']],
  ])('case %#', (input, expected) => {
    expect(boundParams(input)).toEqual(expected);
  });

  it('cuts long strings and long lists', () => {
    const [long] = boundParams(['y'.repeat(2000)]) as string[];
    expect(long.startsWith('y'.repeat(500))).toBe(true);
    expect(long).toMatch(/… \[1500 more characters\]$/);
    const many = boundParams(Array.from({ length: 150 }, (_, i) => i));
    expect(many).toHaveLength(101);
    expect(many[100]).toBe('… 50 more');
  });
});
