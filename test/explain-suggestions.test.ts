import { describe, expect, it } from 'vitest';
import postgres from './fixtures/explain/postgres.json' with { type: 'json' };
import mariadb from './fixtures/explain/mariadb.json' with { type: 'json' };
import sqlite from './fixtures/explain/sqlite.json' with { type: 'json' };
import { readPostgresPlan } from '../server/panels/sql/explain/plan-postgres.js';
import { readMysqlJsonPlan, readMysqlTree } from '../server/panels/sql/explain/plan-mysql.js';
import { readSqlitePlan } from '../server/panels/sql/explain/plan-sqlite.js';
import { suggestFromPlan } from '../server/panels/sql/explain/suggestions.js';
import { columnConditions, sortColumns, sqlClauses } from '../server/panels/sql/explain/conditions.js';
import { indexName, quoteIdent } from '../server/panels/sql/explain/identifiers.js';
import { readNode } from '../server/panels/sql/explain/plan-node.js';

const codes = (suggestions: { code: string }[]) => suggestions.map((s) => s.code);
type Fixture = { sql: string; plan?: unknown };

describe('suggestions from PostgreSQL plans', () => {
  const suggest = (fixture: Fixture, tableRows: Record<string, number> = { posts: 12_000, authors: 100 }) =>
    suggestFromPlan({ dialect: 'postgres', sql: fixture.sql, nodes: readPostgresPlan(fixture.plan), tableRows });

  it.each([
    ['seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    ['castFilter', ['CREATE INDEX posts_status_author_id_idx ON posts (status, author_id);']],
    ['rangeFilter', ['CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);']],
    ['sortLimit', ['CREATE INDEX posts_created_at_idx ON posts (created_at);']],
    ['sortLimitAnalyzed', ['CREATE INDEX posts_created_at_idx ON posts (created_at);']],
    ['joinIndex', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    ['correlatedAnalyzed', ['CREATE INDEX posts_bucket_bucket2_idx ON posts (bucket, bucket2);', 'ANALYZE posts;']],
    ['insert', []],
  ] as const)('%s → %j', (name, expected) => {
    expect(codes(suggest(postgres[name] as Fixture))).toEqual(expected);
  });

  it('says why, with the sizes', () => {
    const [index] = suggest(postgres.seqScanFilter);
    expect(index.title).toBe('Index posts on author_id');
    expect(index.reason).toBe('Seq Scan on posts reads ~12,000 rows to keep ~120 filtering on author_id; an index lets the database go straight to the matching rows.');
    const analyze = suggest(postgres.correlatedAnalyzed)[1];
    expect(analyze.reason).toMatch(/expected ~1 rows .* got 120.*CREATE STATISTICS/);
  });

  it('says nothing about a small table', () => {
    expect(suggest(postgres.seqScanFilter, { posts: 500 })).toEqual([]);
    expect(suggest(postgres.sortLimit, { posts: 500 })).toEqual([]);
  });

  it('quotes names that need it', () => {
    const nodes = [readNode({
      operation: 'Seq Scan', relation: 'Order Items', fullScan: true, scannedRows: 50_000,
      filter: '(("orderId" = 3) AND (user = 4))',
    })];
    expect(codes(suggestFromPlan({ dialect: 'postgres', sql: '', nodes })))
      .toEqual(['CREATE INDEX order_items_orderid_user_idx ON "Order Items" ("orderId", "user");']);
  });

  it('leaves out OR, column-to-column and expression tests', () => {
    const scan = (filter: string) => [readNode({ operation: 'Seq Scan', relation: 't', fullScan: true, scannedRows: 9_000, filter })];
    for (const filter of ['((a = 1) OR (b = 2))', '(a = b)', "(lower(email) = 'x'::text)", '(a <> 3)', "(name ~~ 'x%'::text)"]) {
      expect(suggestFromPlan({ dialect: 'postgres', sql: '', nodes: scan(filter) })).toEqual([]);
    }
    expect(codes(suggestFromPlan({ dialect: 'postgres', sql: '', nodes: scan('((c > 5) AND ((a = 1) OR (b = 2)) AND (d = ANY (\'{1,2}\'::integer[])))') })))
      .toEqual(['CREATE INDEX t_d_c_idx ON t (d, c);']);
  });
});

describe('suggestions from MariaDB plans', () => {
  const suggest = (fixture: Fixture) =>
    suggestFromPlan({ dialect: 'mysql', flavor: 'mariadb', sql: fixture.sql, nodes: readMysqlJsonPlan(fixture.plan) });

  it.each([
    ['seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // r_filtered 1% against an estimate of 100%: MariaDB has no statistics for the condition.
    ['seqScanFilterAnalyzed', ['CREATE INDEX posts_author_id_idx ON posts (author_id);', 'ANALYZE TABLE posts PERSISTENT FOR ALL;']],
    ['castFilter', ['CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);']],
    ['rangeFilter', ['CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);']],
    ['sortLimit', ['CREATE INDEX posts_created_at_idx ON posts (created_at);']],
    // The plan names the alias p; the index goes on the table.
    ['joinIndex', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
  ] as const)('%s → %j', (name, expected) => {
    expect(codes(suggest(mariadb[name] as Fixture))).toEqual(expected);
  });

  it('says ANALYZE TABLE without PERSISTENT on MySQL', () => {
    const nodes = readMysqlJsonPlan(mariadb.correlatedAnalyzed.plan);
    expect(codes(suggestFromPlan({ dialect: 'mysql', flavor: 'mysql', sql: mariadb.correlatedAnalyzed.sql, nodes })))
      .toContain('ANALYZE TABLE posts;');
  });
});

describe('suggestions from MySQL EXPLAIN ANALYZE trees', () => {
  it('indexes the filter and the sort key together, equality first; a Filter 98× off asks for ANALYZE', () => {
    const nodes = readMysqlTree([
      '-> Limit: 10 row(s)  (cost=1210 rows=10) (actual time=5.1..5.11 rows=10 loops=1)',
      '    -> Sort: posts.created_at DESC, limit input to 10 row(s) per chunk  (cost=1210 rows=1182) (actual time=5.1..5.1 rows=10 loops=1)',
      '        -> Filter: (posts.author_id = 3)  (cost=1210 rows=1182) (actual time=0.05..4.9 rows=12 loops=1)',
      '            -> Table scan on posts  (cost=1210 rows=11825) (actual time=0.04..3.2 rows=12000 loops=1)',
    ].join('\n'));
    const sql = 'SELECT id FROM posts WHERE author_id = ? ORDER BY created_at DESC LIMIT 10';
    expect(codes(suggestFromPlan({ dialect: 'mysql', flavor: 'mysql', sql, nodes }))).toEqual([
      'CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);',
      'ANALYZE TABLE posts;',
    ]);
  });
});

describe('suggestions from SQLite plans', () => {
  const suggest = (fixture: Fixture, tableRows?: Record<string, number>) =>
    suggestFromPlan({ dialect: 'sqlite', sql: fixture.sql, nodes: readSqlitePlan(fixture.plan as never), tableRows });

  it.each([
    ['seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    ['castFilter', ['CREATE INDEX posts_status_author_id_idx ON posts (status, author_id);']],
    ['rangeFilter', ['CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);']],
    ['sortLimit', ['CREATE INDEX posts_created_at_idx ON posts (created_at);']],
    // The WHERE tests a.id, not p: nothing to index on posts from the statement alone.
    ['joinIndex', []],
  ] as const)('%s → %j', (name, expected) => {
    expect(codes(suggest(sqlite[name] as Fixture))).toEqual(expected);
  });

  it('says the size is unknown without sqlite_stat1, and uses it when present', () => {
    expect(suggest(sqlite.seqScanFilter)[0].reason).toMatch(/size is unknown: there is no sqlite_stat1/);
    expect(suggest(sqlite.seqScanFilter, { posts: 12_000 })[0].reason).toMatch(/reads ~12,000 rows/);
    expect(suggest(sqlite.seqScanFilter, { posts: 100 })).toEqual([]);
  });
});

describe('columnConditions', () => {
  it.each([
    ['(author_id = 3)', 'postgres', [['author_id', 'eq']]],
    ["((status)::text = 'x'::text)", 'postgres', [['status', 'eq']]],
    ["((created_at)::timestamp without time zone > '2020-01-01 00:00:00'::timestamp without time zone)", 'postgres', [['created_at', 'range']]],
    ['((a IS NULL) AND (b >= 2) AND (c BETWEEN 1 AND 5))', 'postgres', [['a', 'eq'], ['b', 'range'], ['c', 'range']]],
    ['(3 = author_id)', 'postgres', [['author_id', 'eq']]],
    ['(a IS NOT NULL)', 'postgres', []],
    ['(a <> ALL (\'{1}\'::integer[]))', 'postgres', []],
    ["t.col = 3 and t.`status` = 'x'", 'mysql', [['col', 'eq'], ['status', 'eq']]],
    ['(`db`.`t`.`a` in (1,2,3))', 'mysql', [['a', 'eq']]],
    ['t.a = 1 or t.b = 2', 'mysql', []],
  ] as const)('%s (%s)', (text, dialect, expected) => {
    expect(columnConditions(text, dialect).map((c) => [c.column, c.kind])).toEqual(expected);
  });

  it('keeps the qualifier', () => {
    expect(columnConditions('(`db`.`t`.`a` = 1)', 'mysql')).toEqual([{ qualifier: 't', column: 'a', kind: 'eq' }]);
  });
});

describe('sqlClauses and sortColumns', () => {
  it('reads WHERE, ORDER BY, LIMIT and aliases of the outer query only', () => {
    const clauses = sqlClauses(`WITH w AS (SELECT * FROM t WHERE z = 1 ORDER BY y LIMIT 1)
      SELECT * FROM posts AS p JOIN "Authors" a ON a.id = p.author_id
      WHERE p.author_id = $1 AND p.created_at > $2 ORDER BY p.created_at DESC NULLS LAST, p.id LIMIT 10`, 'postgres');
    expect(clauses.where).toEqual([
      { qualifier: 'p', column: 'author_id', kind: 'eq' }, { qualifier: 'p', column: 'created_at', kind: 'range' },
    ]);
    expect(clauses.orderBy).toEqual([{ qualifier: 'p', column: 'created_at', desc: true }, { qualifier: 'p', column: 'id', desc: false }]);
    expect(clauses.limit).toBe(true);
    expect(Object.fromEntries(clauses.tables)).toMatchObject({ p: 'posts', a: 'Authors', t: 't' });
  });

  it('has no usable ORDER BY when a key is an expression', () => {
    expect(sqlClauses('SELECT * FROM t ORDER BY lower(name) LIMIT 1', 'postgres').orderBy).toBeNull();
    expect(sortColumns(['lower(name)'], 'postgres')).toBeNull();
  });

  it('reads FETCH FIRST as a limit', () => {
    expect(sqlClauses('SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY', 'postgres').limit).toBe(true);
    expect(sqlClauses('SELECT * FROM t ORDER BY a', 'postgres').limit).toBe(false);
  });
});

describe('identifiers', () => {
  it.each([
    ['author_id', 'postgres', 'author_id'], ['authorId', 'postgres', '"authorId"'], ['user', 'postgres', '"user"'],
    ['a"b', 'postgres', '"a""b"'], ['authorId', 'mysql', 'authorId'], ['order', 'mysql', '`order`'],
    ['a`b', 'mysql', '`a``b`'], ['my col', 'sqlite', '"my col"'], ['Posts', 'sqlite', 'Posts'],
  ] as const)('quoteIdent(%s, %s) = %s', (name, dialect, quoted) => {
    expect(quoteIdent(name, dialect)).toBe(quoted);
  });

  it('makes index names short and plain', () => {
    expect(indexName('Order Items', ['orderId'])).toBe('order_items_orderid_idx');
    expect(indexName('t', ['x'.repeat(100)])).toHaveLength(63);
  });
});
