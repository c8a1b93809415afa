import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../../server/types.js';
import { inlineParams } from './inline-params.js';
import { toSqlLiteral } from './literal.js';

describe('inlineParams', () => {
  const cases: Array<[string, Dialect, string, unknown[], string]> = [
    ['postgres $1', 'postgres', 'SELECT * FROM users WHERE id = $1', [42], 'SELECT * FROM users WHERE id = 42'],
    [
      'postgres $10 is not $1 followed by 0',
      'postgres',
      'SELECT $1, $10, $2',
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 'ten'],
      "SELECT 1, 'ten', 2",
    ],
    ['postgres reuses a placeholder', 'postgres', 'SELECT $1 WHERE a = $1', ['x'], "SELECT 'x' WHERE a = 'x'"],
    ['postgres $1 inside a string stays', 'postgres', "SELECT '$1' AS s, $1", [7], "SELECT '$1' AS s, 7"],
    ['postgres $1 inside a quoted identifier stays', 'postgres', 'SELECT "$1" FROM t WHERE x = $1', [7], 'SELECT "$1" FROM t WHERE x = 7'],
    ['postgres $1 inside a comment stays', 'postgres', 'SELECT $1 -- uses $1\n', [true], 'SELECT TRUE -- uses $1\n'],
    ['postgres missing param stays a placeholder', 'postgres', 'SELECT $1, $2', [1], 'SELECT 1, $2'],
    ['postgres ARRAY and NULL', 'postgres', 'WHERE id = ANY($1) AND d IS $2', [[1, 2], null], 'WHERE id = ANY(ARRAY[1, 2]) AND d IS NULL'],
    ['postgres does not touch ::casts', 'postgres', 'SELECT $1::int', ['5'], "SELECT '5'::int"],
    ['mysql positional ?', 'mysql', 'SELECT * FROM t WHERE a = ? AND b = ?', ['x', 3], "SELECT * FROM t WHERE a = 'x' AND b = 3"],
    ['mysql ? inside a string stays', 'mysql', "SELECT 'a?b' FROM t WHERE a = ?", [1], "SELECT 'a?b' FROM t WHERE a = 1"],
    ['mysql ? inside backticks stays', 'mysql', 'SELECT `a?` FROM t WHERE a = ?', [false], 'SELECT `a?` FROM t WHERE a = 0'],
    ['mysql escaped quote in string does not end it', 'mysql', "SELECT 'it\\'s ?' , ?", [1], "SELECT 'it\\'s ?' , 1"],
    ['mysql list', 'mysql', 'WHERE id IN ?', [[1, 'a']], "WHERE id IN (1, 'a')"],
    // SQLite binds a `?` after `?2` to the third param (checked with sqlite3: `SELECT ?, ?2, ?` with a, b, c is a, b, c).
    ['sqlite positional ? and ?NNN', 'sqlite', 'SELECT ?, ?2, ?', ['a', 'b', 'c'], "SELECT 'a', 'b', 'c'"],
    ['sqlite ? after ?3 is the fourth', 'sqlite', 'SELECT ?3, ?', [1, 2, 3, 4], 'SELECT 3, 4'],
    ['sqlite named placeholders stay', 'sqlite', 'SELECT :a, @b, $c, ?', [1], 'SELECT :a, @b, $c, 1'],
    ['mysql2 :name placeholders stay', 'mysql', 'SELECT :id, ?', [1], 'SELECT :id, 1'],
    ['postgres ? is the jsonb operator, not a placeholder', 'postgres', "SELECT data ? 'k' FROM t WHERE id = $1", [5], "SELECT data ? 'k' FROM t WHERE id = 5"],
    ['mysql # comment hides its placeholder', 'mysql', 'SELECT ? # not ?\n, ?', [1, 2], 'SELECT 1 # not ?\n, 2'],
    ['sqlite booleans are 1/0', 'sqlite', 'UPDATE t SET done = ?', [true], 'UPDATE t SET done = 1'],
    ['no params leaves the SQL as is', 'postgres', 'SELECT $1', [], 'SELECT $1'],
  ];
  it.each(cases)('%s', (_name, dialect, sql, params, expected) => {
    expect(inlineParams(sql, params, dialect)).toBe(expected);
  });
});

describe('toSqlLiteral', () => {
  const date = new Date('2024-05-06T07:08:09.000Z');
  const cases: Array<[unknown, Dialect, string]> = [
    ["O'Reilly", 'postgres', "'O''Reilly'"],
    ["O'Reilly", 'sqlite', "'O''Reilly'"],
    ["a\\b'c", 'mysql', "'a\\\\b''c'"],
    ['a\\b', 'postgres', "'a\\b'"],
    [12.5, 'postgres', '12.5'],
    [-3, 'mysql', '-3'],
    [Number.NaN, 'postgres', "'NaN'"],
    [10n, 'postgres', '10'],
    [true, 'postgres', 'TRUE'],
    [false, 'postgres', 'FALSE'],
    [true, 'mysql', '1'],
    [false, 'sqlite', '0'],
    [null, 'mysql', 'NULL'],
    [undefined, 'postgres', 'NULL'],
    [date, 'postgres', "'2024-05-06T07:08:09.000Z'"],
    [[1, 'a', null], 'postgres', "ARRAY[1, 'a', NULL]"],
    [[], 'postgres', "'{}'"],
    [[1, 2], 'mysql', '(1, 2)'],
    [{ a: "it's" }, 'postgres', `'{"a":"it''s"}'`],
  ];
  it.each(cases)('%o in %s → %s', (value, dialect, expected) => {
    expect(toSqlLiteral(value, dialect)).toBe(expected);
  });
});
