import { describe, expect, it } from 'vitest';
import { fingerprint, normalizeSql } from '../../../server/panels/sql/fingerprint.js';
import { boundParams } from '../../../server/panels/sql/bounded-params.js';

describe('normalizeSql', () => {
  it.each([
    ['SELECT * FROM users WHERE id = 1', 'select * from users where id = ?'],
    ['select  *\n from users\twhere id = $1', 'select * from users where id = ?'],
    ['SELECT * FROM users WHERE id = ?', 'select * from users where id = ?'],
    ['SELECT * FROM users WHERE id = :id', 'select * from users where id = ?'],
    ["SELECT * FROM t WHERE name = 'O''Brien'", 'select * from t where name = ?'],
    ["SELECT * FROM t WHERE name = E'it\\'s'", 'select * from t where name = ?'],
    ['SELECT * FROM t WHERE id IN (1, 2, 3)', 'select * from t where id in (?)'],
    ['SELECT * FROM t WHERE id IN ($1, $2, $3, $4)', 'select * from t where id in (?)'],
    ['INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6)', 'insert into t (a, b) values (?)'],
    ['SELECT "UserName" FROM "Users"', 'select "UserName" from "Users"'],
    ['SELECT `id` FROM `t`', 'select `id` from `t`'],
    ['SELECT 1 -- trailing comment', 'select ?'],
    ['SELECT /* hint */ 1', 'select ?'],
    ['SELECT $body$ text with \'quotes\' $body$', 'select ?'],
    ['SELECT x::int FROM t', 'select x :: int from t'],
    ['SELECT 1.5e3, .5', 'select ?, ?'],
    ['SELECT "it\'s" FROM t', 'select "it\'s" from t'],
  ])('%s', (sql, expected) => {
    expect(normalizeSql(sql)).toBe(expected);
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
