import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../../server/types.js';
import { compactSql } from './compact.js';
import { tokenize, type TokenType } from './tokenize.js';

const significant = (sql: string, dialect: Dialect) =>
  tokenize(sql, dialect)
    .filter((t) => t.type !== 'whitespace')
    .map((t) => [t.type, t.text]);

describe('tokenize', () => {
  const cases: Array<[string, Dialect, string, Array<[TokenType, string]>]> = [
    [
      'keywords, identifiers, numbers, params',
      'postgres',
      'select id from users where age > 18.5 and id = $12',
      [
        ['keyword', 'select'],
        ['identifier', 'id'],
        ['keyword', 'from'],
        ['identifier', 'users'],
        ['keyword', 'where'],
        ['identifier', 'age'],
        ['operator', '>'],
        ['number', '18.5'],
        ['keyword', 'and'],
        ['identifier', 'id'],
        ['operator', '='],
        ['param', '$12'],
      ],
    ],
    ["doubled quote stays inside the string", 'postgres', "'it''s'", [['string', "'it''s'"]]],
    ['quoted identifier', 'postgres', '"User Name"', [['quoted-identifier', '"User Name"']]],
    ['line comment', 'sqlite', '-- hi ?\nSELECT', [['comment', '-- hi ?'], ['keyword', 'SELECT']]],
    ['block comment', 'mysql', '/* ? */ ?', [['comment', '/* ? */'], ['param', '?']]],
    ['mysql # comment', 'mysql', '# note\n1', [['comment', '# note'], ['number', '1']]],
    ['mysql backslash escape', 'mysql', "'a\\'b' ?", [['string', "'a\\'b'"], ['param', '?']]],
    ['postgres dollar-quoted string', 'postgres', '$$ $1 $$ $1', [['string', '$$ $1 $$'], ['param', '$1']]],
    ['postgres cast operator', 'postgres', '$1::uuid', [['param', '$1'], ['operator', '::'], ['identifier', 'uuid']]],
    ['sqlite named param', 'sqlite', ':name', [['param', ':name']]],
    ['identifier with digits is not a number', 'postgres', 't1', [['identifier', 't1']]],
    ['unterminated string runs to the end', 'postgres', "'abc", [['string', "'abc"]]],
    // Rules the old highlighter read otherwise than the servers (each checked against the server):
    ['mysql: -- without a space is minus minus', 'mysql', '1--1', [['number', '1'], ['operator', '-'], ['operator', '-'], ['number', '1']]],
    ['postgres: block comments nest', 'postgres', '/* a /* b */ c */ 1', [['comment', '/* a /* b */ c */'], ['number', '1']]],
    ['postgres: a line comment ends at \\r', 'postgres', '-- x\r1', [['comment', '-- x'], ['number', '1']]],
    ['mysql: mysql2 :name placeholder', 'mysql', 'id = :id', [['identifier', 'id'], ['operator', '='], ['param', ':id']]],
    ['mysql: a name may start with digits', 'mysql', '2fa_codes', [['identifier', '2fa_codes']]],
    ['hex string is one string', 'sqlite', "X'1F'", [['string', "X'1F'"]]],
    ['postgres: = then a negative number', 'postgres', 'a=-1', [['identifier', 'a'], ['operator', '='], ['operator', '-'], ['number', '1']]],
    ['postgres: JSON operators', 'postgres', "d->>'k'", [['identifier', 'd'], ['operator', '->>'], ['string', "'k'"]]],
  ];
  it.each(cases)('%s', (_name, dialect, sql, expected) => {
    expect(significant(sql, dialect)).toEqual(expected);
  });

  it.each<[Dialect]>([['postgres'], ['mysql'], ['sqlite']])('gives back the input exactly when joined (%s)', (dialect) => {
    const sql = `SELECT u."id", 'x''y' AS s, \`b\` /* c */ FROM users u -- end\nWHERE a = $1 AND b = ? AND c >= 1e3;`;
    expect(
      tokenize(sql, dialect)
        .map((t) => t.text)
        .join(''),
    ).toBe(sql);
  });
});

describe('compactSql', () => {
  const cases: Array<[string, string, string]> = [
    ['collapses whitespace runs', 'SELECT *\n   FROM t\n\tWHERE a = 1', 'SELECT * FROM t WHERE a = 1'],
    ['keeps whitespace inside strings', "SELECT '  two  spaces\n' FROM t", "SELECT '  two  spaces\n' FROM t"],
    ['keeps the newline that ends a line comment', 'SELECT 1 -- one\n  FROM t', 'SELECT 1 -- one\nFROM t'],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(compactSql(sql, 'postgres')).toBe(expected);
  });

  it("keeps the newline that ends MySQL's # comment (else FROM would be read as comment)", () => {
    expect(compactSql('SELECT 1 # one\n  FROM t', 'mysql')).toBe('SELECT 1 # one\nFROM t');
  });
});
