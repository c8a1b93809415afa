import { describe, expect, it } from 'vitest';
import { checkStatement } from '../../../../server/panels/sql/explain/statement.js';
import { tokenize } from '../../../../server/panels/sql/explain/sql-tokens.js';
import type { Dialect } from '../../../../server/types.js';

const ok = (sql: string, dialect: Dialect = 'postgres') => checkStatement(sql, dialect, true);

describe('ANALYZE is allowed only for one read-only statement', () => {
  it.each<[string, Dialect?]>([
    ['SELECT 1'],
    ['select id from posts where author_id = $1'],
    ['  SELECT 1;  '],
    ['SELECT 1; -- trailing comment'],
    ['SELECT 1;;'],
    ['WITH recent AS (SELECT * FROM posts ORDER BY id DESC LIMIT 5) SELECT * FROM recent'],
    ['(SELECT 1) UNION (SELECT 2)'],
    ["SELECT 'a;b' AS x"],
    ["SELECT 'delete from users' AS x"],
    ["SELECT 'it''s; drop table x' AS x"],
    ["SELECT E'\\'; drop table x' AS x"],
    ['SELECT $$; DELETE FROM x$$ AS body'],
    ['SELECT $tag$ ; INSERT $tag$ AS body'],
    ['SELECT "delete", "update;" FROM t'],
    ['SELECT 1 /* ; drop table x */'],
    ['SELECT 1 /* nested /* ; */ still comment; */'],
    ['SELECT 1 -- ; drop table x'],
    ['SELECT replace(name, $1, $2) FROM authors'],
    ['SELECT * FROM posts WHERE title LIKE $1 ORDER BY created_at DESC LIMIT 10'],
    ['SELECT `update`, "a;b" FROM t', 'mysql'],
    ["SELECT 'it\\'s; drop table x' AS x", 'mysql'],
    ['SELECT 1 # ; drop table x', 'mysql'],
    ['SELECT CAST(x AS CHAR CHARACTER SET utf8mb4) FROM t', 'mysql'],
    ['SELECT [delete] FROM t', 'sqlite'],
  ])('allows %s', (sql, dialect) => {
    expect(ok(sql, dialect)).toMatchObject({ ok: true, readOnly: true });
  });

  it.each<[string, RegExp, Dialect?]>([
    ['select 1; drop table x', /more than one statement/],
    ['SELECT 1; SELECT 2', /more than one statement/],
    ["SELECT ';'; DELETE FROM t", /more than one statement/],
    ['SELECT $$x$$; DELETE FROM t', /more than one statement/],
    ['SELECT 1 /* c */; /* d */ DELETE FROM t', /more than one statement/],
    ['SELECT * FROM posts FOR UPDATE', /locks rows \(FOR UPDATE\)/],
    ['SELECT * FROM posts FOR SHARE', /locks rows \(FOR SHARE\)/],
    ['SELECT * FROM posts FOR NO KEY UPDATE', /locks rows/],
    ['SELECT * FROM posts FOR KEY SHARE', /locks rows/],
    ['SELECT * FROM posts LOCK IN SHARE MODE', /LOCK/, 'mysql'],
    ['WITH d AS (DELETE FROM posts RETURNING *) SELECT * FROM d', /contains DELETE/],
    ['WITH u AS (UPDATE posts SET title = 1 RETURNING id) SELECT * FROM u', /contains UPDATE/],
    ['WITH i AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM i', /contains INSERT/],
    ['WITH m AS (MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE) SELECT 1', /contains MERGE/],
    ['SELECT * INTO new_table FROM posts', /SELECT … INTO/],
    ['SELECT id INTO @x FROM posts LIMIT 1', /SELECT … INTO/, 'mysql'],
    ["SELECT * FROM t INTO OUTFILE '/tmp/x'", /SELECT … INTO/, 'mysql'],
    ["SELECT nextval('posts_id_seq')", /nextval\(\)/],
    ["SELECT setval('s', 1)", /setval\(\)/],
    ['SELECT pg_advisory_lock(1)', /pg_advisory_lock\(\)/],
    ['SELECT pg_try_advisory_xact_lock(1)', /pg_try_advisory_xact_lock\(\)/],
    ["SELECT set_config('x', 'y', false)", /set_config\(\)/],
    ['SELECT NEXT VALUE FOR s', /NEXT VALUE FOR/, 'mysql'],
    ["SELECT GET_LOCK('x', 1)", /get_lock\(\)/, 'mysql'],
    ['SELECT 1 /*! ; DROP TABLE x */', /executable comment/, 'mysql'],
    ['SELECT 1 /*M!100000 , sleep(1) */', /executable comment/, 'mysql'],
    ['INSERT INTO t VALUES (1)', /only SELECT is allowed: this is INSERT/],
    ['UPDATE t SET a = 1', /this is UPDATE/],
    ['DELETE FROM t', /this is DELETE/],
    ['CREATE TABLE x AS SELECT 1', /this is CREATE/],
    ['DROP TABLE x', /this is DROP/],
    ['TRUNCATE x', /this is TRUNCATE/],
    ['COPY t TO STDOUT', /this is COPY/],
    ['CALL p()', /this is CALL/],
    ["DO $$ BEGIN PERFORM 1; END $$", /this is DO/],
    ['SET search_path = x', /this is SET/],
    ['VACUUM t', /this is VACUUM/],
    ['LOCK TABLE t', /this is LOCK/],
    ['GRANT ALL ON t TO u', /this is GRANT/],
    ['EXPLAIN ANALYZE DELETE FROM t', /this is EXPLAIN/],
    ['VALUES (1)', /this is VALUES/],
    ['SELECT * FROM t WHERE x = (SELECT 1 FROM u FOR UPDATE)', /locks rows/],
    ['-- only a comment', /empty/],
    ['', /empty/],
  ])('refuses %s', (sql, reason, dialect) => {
    const check = ok(sql, dialect);
    expect(check.ok).toBe(false);
    expect(check.ok === false && check.reason).toMatch(reason);
  });

  it('refuses a column named like a write keyword unless it is quoted (conservative)', () => {
    expect(ok('SELECT copy FROM t').ok).toBe(false);
    expect(ok('SELECT "copy" FROM t').ok).toBe(true);
  });
});

describe('plain EXPLAIN', () => {
  it.each([
    ['INSERT INTO t VALUES ($1)', false],
    ['UPDATE t SET a = 1 WHERE id = 2', false],
    ['DELETE FROM t WHERE id = 2', false],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', false],
    ['SELECT * FROM t FOR UPDATE', false],
    ['SELECT 1', true],
  ])('describes %s without running it (readOnly %s)', (sql, readOnly) => {
    expect(checkStatement(sql, 'postgres', false)).toEqual({ ok: true, statement: sql, readOnly });
  });

  it('cuts the trailing semicolon and comments off the statement', () => {
    expect(checkStatement('SELECT 1; -- done', 'postgres', false)).toMatchObject({ statement: 'SELECT 1' });
  });

  it.each([
    ['SELECT 1; DROP TABLE x', /more than one statement/],
    ['BEGIN', /BEGIN \(transaction control\)/],
    ['DROP TABLE x', /cannot describe a DROP/],
    ['SET x = 1', /cannot describe a SET/],
  ])('refuses %s', (sql, reason) => {
    const check = checkStatement(sql, 'postgres', false);
    expect(check.ok === false && check.reason).toMatch(reason);
  });
});

describe('tokenize', () => {
  it('keeps strings, quoted identifiers and comments whole, per dialect', () => {
    expect(tokenize(`SELECT 'a''b', "c""d", $q$x$q$ -- e`, 'postgres').map((t) => [t.type, t.value])).toEqual([
      ['word', 'SELECT'], ['string', "'a''b'"], ['punct', ','], ['ident', 'c"d'], ['punct', ','], ['string', '$q$x$q$'],
      ['comment', '-- e'],
    ]);
    expect(tokenize('SELECT `a``b`, "x" #c', 'mysql').map((t) => t.type)).toEqual(['word', 'ident', 'punct', 'string', 'comment']);
    // In MySQL, `--` is a comment only when a space follows.
    expect(tokenize('SELECT 1--1', 'mysql').map((t) => t.type)).toEqual(['word', 'number', 'punct', 'punct', 'number']);
    expect(tokenize('SELECT [a b] FROM t WHERE x = :name', 'sqlite').map((t) => t.type))
      .toEqual(['word', 'ident', 'word', 'word', 'word', 'word', 'punct', 'param']);
  });
});

describe('reads each dialect as its server does (issue 16: a \\r ended a PostgreSQL comment the reader kept open)', () => {
  const both = (sql: string, dialect: Dialect, lex?: Parameters<typeof checkStatement>[3]) =>
    [checkStatement(sql, dialect, false, lex), checkStatement(sql, dialect, true, lex)];

  it.each<[string, Dialect, RegExp]>([
    ["SELECT id FROM items WHERE id = 1 -- by x --\r; COMMIT; DELETE FROM victim WHERE id <= 5", 'postgres', /more than one statement/],
    ['SELECT 1 -- a\r\n; DELETE FROM t', 'postgres', /more than one statement/],
    ['SELECT 1 /* a /* b */ ; */ ; DELETE FROM t', 'postgres', /more than one statement/],
    ["SELECT E'\\''; DELETE FROM t; -- '", 'postgres', /more than one statement/],
    ['SELECT $a$ $b$ ; $a$; DELETE FROM t', 'postgres', /more than one statement/],
    ['SELECT 1 # x\n; DELETE FROM t', 'mysql', /more than one statement/],
    ['SELECT 1 /* a /* b */ ; DELETE FROM t', 'mysql', /more than one statement/],
    ['SELECT 1 -- a\n; DELETE FROM t', 'sqlite', /more than one statement/],
  ])('refuses %j on %s', (sql, dialect, reason) => {
    for (const check of both(sql, dialect)) expect(check.ok === false && check.reason).toMatch(reason);
  });

  it('in MySQL a \\r does not end a comment, so what follows it on the line stays a comment', () => {
    expect(checkStatement('SELECT 1 -- x\r; DELETE FROM t', 'mysql', true)).toMatchObject({ ok: true, statement: 'SELECT 1 -- x\r; DELETE FROM t' });
  });

  it("reads strings with the connection's own settings (standard_conforming_strings, NO_BACKSLASH_ESCAPES, ANSI_QUOTES)", () => {
    const text = "SELECT 'a\\'; COMMIT; DELETE FROM t; -- '";
    // The default reading: one string, one statement.
    expect(checkStatement(text, 'mysql', false)).toMatchObject({ ok: true });
    // A server with NO_BACKSLASH_ESCAPES ends the string at the backslash: three statements.
    expect(checkStatement(text, 'mysql', false, { backslashEscapes: false, ansiQuotes: false })).toMatchObject({ ok: false });
    const pg = "SELECT 'a\\'; COMMIT; DELETE FROM t; -- '";
    expect(checkStatement(pg, 'postgres', false)).toMatchObject({ ok: false });
    expect(checkStatement("SELECT 'a\\' AS x", 'postgres', false, { backslashEscapes: true, ansiQuotes: true }).ok).toBe(false);
    const ansi = 'SELECT "a\\"; DELETE FROM t; -- "';
    expect(checkStatement(ansi, 'mysql', false).ok).toBe(true);
    expect(checkStatement(ansi, 'mysql', false, { backslashEscapes: true, ansiQuotes: true }).ok).toBe(false);
  });

  it.each<[string, Dialect]>([
    ['SELECT 1 WHERE true COMMIT', 'postgres'],
    ['SELECT 1 FROM t ROLLBACK', 'postgres'],
    ['SELECT 1 END', 'postgres'],
    ['SELECT ABORT', 'postgres'],
    ['SELECT 1 SAVEPOINT x', 'postgres'],
    ['SELECT 1 RELEASE x', 'postgres'],
    ['SELECT 1 PREPARE TRANSACTION', 'postgres'],
    ['SELECT 1 SET TRANSACTION READ WRITE', 'postgres'],
    ['SELECT 1 START TRANSACTION', 'mysql'],
    ['SELECT 1 XA COMMIT', 'mysql'],
    ['UPDATE t SET a = 1 COMMIT', 'postgres'],
  ])('refuses transaction control anywhere, with or without ANALYZE: %s', (sql, dialect) => {
    for (const check of both(sql, dialect)) expect(check.ok === false && check.reason).toMatch(/transaction control/);
  });

  it('keeps CASE … END, and transaction words inside strings, comments and quoted names', () => {
    expect(checkStatement("SELECT CASE WHEN a THEN (CASE b WHEN 1 THEN 'x' END) ELSE 'commit' END AS c FROM t", 'postgres', true).ok).toBe(true);
    expect(checkStatement('SELECT "commit", "end" FROM t /* rollback */ -- begin', 'postgres', true).ok).toBe(true);
  });

  it.each([
    'SELECT "pg_sleep"(0.01)', 'SELECT "PG_SLEEP"(1)', 'SELECT pg_catalog."pg_sleep"(1)', 'SELECT "pg_advisory_lock"(42)',
    "SELECT query_to_xml('select 1', true, true, '')", "SELECT \"query_to_xml\"('delete from t', true, true, '')",
    "SELECT dblink_exec('x', 'delete from t')", 'SELECT pg_advisory_xact_lock_shared(1)', "SELECT lo_import('/etc/passwd')",
    "SELECT cursor_to_xml('c', 1, true, true, '')", 'SELECT pg_stat_reset()', "SELECT pg_create_restore_point('x')",
  ])('ANALYZE refuses side-effect functions by any spelling: %s', (sql) => {
    const check = checkStatement(sql, 'postgres', true);
    expect(check.ok === false && check.reason).toMatch(/side effects/);
  });

  it('ANALYZE refuses MySQL side-effect functions by quoted name', () => {
    expect(checkStatement('SELECT `sleep`(1)', 'mysql', true)).toMatchObject({ ok: false });
    expect(checkStatement('SELECT `GET_LOCK`(\'a\', 1)', 'mysql', true)).toMatchObject({ ok: false });
  });

  it.each<[string, Dialect]>([
    ["SELECT 'abc", 'postgres'], ['SELECT "abc', 'postgres'], ['SELECT 1 /* open', 'postgres'], ['SELECT $x$ open', 'postgres'],
    ['SELECT 1 /* a /* b */', 'postgres'], ['SELECT [abc', 'sqlite'], ['SELECT `abc', 'mysql'], ["SELECT 'a\\'", 'mysql'],
  ])('refuses what it cannot read to the end: %s', (sql, dialect) => {
    expect(checkStatement(sql, dialect, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/unterminated/) });
  });

  it('refuses a NUL character', () => {
    expect(checkStatement('SELECT 1\0; DELETE FROM t', 'postgres', false)).toMatchObject({ ok: false, reason: /NUL/ });
  });
});
