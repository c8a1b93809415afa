import { describe, expect, it } from 'vitest';
import postgres from './fixtures/explain/postgres.json' with { type: 'json' };
import mariadb from './fixtures/explain/mariadb.json' with { type: 'json' };
import sqlite from './fixtures/explain/sqlite.json' with { type: 'json' };
import { readPostgresPlan } from '../server/panels/sql/explain/plan-postgres.js';
import { readMysqlJsonPlan, readMysqlTree } from '../server/panels/sql/explain/plan-mysql.js';
import { readSqlitePlan } from '../server/panels/sql/explain/plan-sqlite.js';
import { planText, toPlanNodes } from '../server/panels/sql/explain/plan-node.js';

/*
 * Fixtures captured from PostgreSQL 15, MariaDB 10.11 and SQLite 3.53 by test/fixtures/explain/capture.ts
 * (12,000 posts, 100 authors, no index but the primary keys). MySQL 8 has no server here: its
 * fixtures below are written after the reference manual's examples, and say so.
 */

describe('PostgreSQL EXPLAIN (FORMAT JSON)', () => {
  it('reads a filtered Seq Scan', () => {
    const [node] = readPostgresPlan(postgres.seqScanFilter.plan);
    expect(node).toMatchObject({
      operation: 'Seq Scan', relation: 'posts', alias: null, index: null, estimatedRows: 120, actualRows: null,
      cost: 250, timeMs: null, filter: '(author_id = 3)', fullScan: true, scannedRows: null, children: [],
    });
  });

  it('reads actual rows, time and rows read from ANALYZE', () => {
    const [node] = readPostgresPlan(postgres.correlatedAnalyzed.plan);
    expect(node).toMatchObject({ estimatedRows: 1, actualRows: 120, filter: '((bucket = 1) AND (bucket2 = 1))' });
    expect(node.timeMs).toBeGreaterThan(0);
    // 120 kept + 11,880 removed by the filter.
    expect(node.scannedRows).toBe(12_000);
  });

  it('reads Limit → Sort → Seq Scan with the sort key', () => {
    const [limit] = readPostgresPlan(postgres.sortLimitAnalyzed.plan);
    expect(limit.operation).toBe('Limit');
    expect(limit.children[0]).toMatchObject({ operation: 'Sort', sorts: true, sortKey: ['created_at DESC'], actualRows: 10 });
    expect(limit.children[0].children[0]).toMatchObject({ operation: 'Seq Scan', relation: 'posts', actualRows: 12_000 });
  });

  it('keeps the alias of a joined table apart from its name', () => {
    const [join] = readPostgresPlan(postgres.joinIndex.plan);
    expect(join.operation).toBe('Nested Loop');
    expect(join.children.map((n) => [n.relation, n.alias, n.filter])).toEqual([
      ['authors', 'a', '(id = 4)'], ['posts', 'p', '(author_id = 4)'],
    ]);
  });

  it('names a ModifyTable node by its operation', () => {
    expect(readPostgresPlan(postgres.insert.plan)[0]).toMatchObject({ operation: 'Insert', relation: 'authors' });
  });

  it('accepts the plan as a JSON string too', () => {
    expect(readPostgresPlan(JSON.stringify(postgres.seqScanFilter.plan))[0].relation).toBe('posts');
  });
});

describe('MariaDB EXPLAIN / ANALYZE FORMAT=JSON', () => {
  it('reads a full table scan with its attached condition', () => {
    const [block] = readMysqlJsonPlan(mariadb.seqScanFilter.plan);
    expect(block.operation).toBe('Query block #1');
    expect(block.children[0]).toMatchObject({
      operation: 'Full table scan', relation: 'posts', index: null, estimatedRows: 11_825, scannedRows: 11_825,
      filter: 'posts.author_id = 3', fullScan: true, actualRows: null,
    });
  });

  it('reads r_rows and r_filtered of ANALYZE as actual rows', () => {
    const [block] = readMysqlJsonPlan(mariadb.seqScanFilterAnalyzed.plan);
    expect(block.timeMs).toBeGreaterThan(0);
    expect(block.children[0]).toMatchObject({ actualRows: 120, scannedRows: 12_000 });
  });

  it('reads a filesort with its sort key', () => {
    const [block] = readMysqlJsonPlan(mariadb.sortLimit.plan);
    expect(block.children[0]).toMatchObject({ operation: 'Sort', sorts: true, sortKey: ['posts.created_at desc'] });
    expect(block.children[0].children[0]).toMatchObject({ operation: 'Full table scan', relation: 'posts' });
  });

  it('reads a join as a nested loop of aliases, with the index used', () => {
    const [block] = readMysqlJsonPlan(mariadb.joinIndex.plan);
    expect(block.children[0].operation).toBe('Nested loop');
    expect(block.children[0].children.map((n) => [n.operation, n.relation, n.index])).toEqual([
      ['Constant row', 'a', 'PRIMARY'], ['Full table scan', 'p', null],
    ]);
  });

  it('has no plan for a write inside a READ ONLY transaction: MariaDB refuses even plain EXPLAIN', () => {
    expect(mariadb.insert).toMatchObject({ error: 'Cannot execute statement in a READ ONLY transaction' });
  });
});

describe('MySQL 8 (fixtures written after the reference manual)', () => {
  const json = {
    query_block: {
      select_id: 1,
      cost_info: { query_cost: '1210.25' },
      ordering_operation: {
        using_filesort: true,
        table: {
          table_name: 'posts', access_type: 'ALL', rows_examined_per_scan: 11_825, rows_produced_per_join: 1182,
          filtered: '10.00', cost_info: { read_cost: '1091.99', eval_cost: '118.25', prefix_cost: '1210.25' },
          used_columns: ['id', 'author_id', 'created_at'], attached_condition: '(`test`.`posts`.`author_id` = 3)',
        },
      },
    },
  };

  it('reads EXPLAIN FORMAT=JSON', () => {
    const [block] = readMysqlJsonPlan(JSON.stringify(json));
    expect(block).toMatchObject({ operation: 'Query block #1', cost: 1210.25 });
    expect(block.children[0]).toMatchObject({ operation: 'Sort', sorts: true, sortKey: [] });
    expect(block.children[0].children[0]).toMatchObject({
      operation: 'Full table scan', relation: 'posts', estimatedRows: 1182, scannedRows: 11_825, cost: 1210.25,
      filter: '(`test`.`posts`.`author_id` = 3)',
    });
  });

  const tree = [
    '-> Limit: 10 row(s)  (cost=1210 rows=10) (actual time=5.1..5.11 rows=10 loops=1)',
    '    -> Sort: posts.created_at DESC, limit input to 10 row(s) per chunk  (cost=1210 rows=11825) (actual time=5.1..5.1 rows=10 loops=1)',
    '        -> Filter: (posts.author_id = 3)  (cost=1210 rows=1182) (actual time=0.05..4.9 rows=120 loops=1)',
    '            -> Table scan on posts  (cost=1210 rows=11825) (actual time=0.04..3.2 rows=12000 loops=1)',
    '-> Index lookup on a using PRIMARY (id=4)  (cost=0.35 rows=1) (never executed)',
  ].join('\n');

  it('reads the EXPLAIN ANALYZE tree', () => {
    const [limit, lookup] = readMysqlTree(tree);
    expect(limit).toMatchObject({ operation: 'Limit', cost: 1210, estimatedRows: 10, actualRows: 10, timeMs: 5.11 });
    const sort = limit.children[0];
    expect(sort).toMatchObject({ operation: 'Sort', sorts: true, sortKey: ['posts.created_at DESC'] });
    expect(sort.children[0]).toMatchObject({ operation: 'Filter', filter: '(posts.author_id = 3)', estimatedRows: 1182, actualRows: 120 });
    // The Filter's condition is what the scan under it filters on.
    expect(sort.children[0].children[0]).toMatchObject({
      operation: 'Table scan', relation: 'posts', fullScan: true, filter: '(posts.author_id = 3)', scannedRows: 12_000,
    });
    expect(lookup).toMatchObject({ operation: 'Index lookup', relation: 'a', index: 'PRIMARY', filter: 'id=4', actualRows: null });
  });
});

describe('SQLite EXPLAIN QUERY PLAN', () => {
  it('reads SCAN rows', () => {
    expect(readSqlitePlan(sqlite.seqScanFilter.plan)).toEqual([expect.objectContaining({
      operation: 'SCAN', relation: 'posts', index: null, fullScan: true, estimatedRows: null, filter: null,
    })]);
  });

  it('reads the temp B-tree of an ORDER BY as a sort', () => {
    const nodes = readSqlitePlan(sqlite.sortLimit.plan);
    expect(nodes.map((n) => [n.operation, n.sorts])).toEqual([['SCAN', false], ['USE TEMP B-TREE FOR ORDER BY', true]]);
  });

  it('reads SEARCH with its index and condition', () => {
    const [search, scan] = readSqlitePlan(sqlite.joinIndex.plan);
    expect(search).toMatchObject({ operation: 'SEARCH', relation: 'a', index: 'primary key', filter: 'rowid=?', fullScan: false });
    expect(scan).toMatchObject({ operation: 'SCAN', relation: 'p', fullScan: true });
  });

  it.each([
    ['SEARCH t USING INDEX t_a_b (a=? AND b>?)', { operation: 'SEARCH', relation: 't', index: 't_a_b', filter: 'a=? AND b>?', fullScan: false }],
    ['SCAN t USING COVERING INDEX t_a', { operation: 'SCAN', relation: 't', index: 't_a', fullScan: false }],
    ['SEARCH t USING AUTOMATIC COVERING INDEX (a=?)', { relation: 't', index: 'automatic index', filter: 'a=?', fullScan: true }],
    ['SCAN TABLE posts AS p', { operation: 'SCAN', relation: 'p', fullScan: true }],
    ['SCAN CONSTANT ROW', { operation: 'SCAN CONSTANT ROW', relation: null }],
  ])('reads %s', (detail, expected) => {
    expect(readSqlitePlan([{ id: 1, parent: 0, detail }])[0]).toMatchObject(expected);
  });

  it('nests rows under their parent', () => {
    const nodes = readSqlitePlan([
      { id: 1, parent: 0, detail: 'CO-ROUTINE x' }, { id: 2, parent: 1, detail: 'SCAN t' }, { id: 3, parent: 0, detail: 'SCAN x' },
    ]);
    expect(nodes.map((n) => [n.operation, n.children.map((c) => c.relation)])).toEqual([['CO-ROUTINE x', ['t']], ['SCAN', []]]);
  });
});

describe('planText and the public nodes', () => {
  it('indents children and prints sort keys and filters', () => {
    const nodes = readPostgresPlan(postgres.sortLimitAnalyzed.plan);
    expect(planText(nodes).split('\n').map((line) => line.replace(/[\d.]+/g, 'N'))).toEqual([
      'Limit  (cost=N rows=N) (actual time=Nms rows=N)',
      '    -> Sort  (cost=N rows=N) (actual time=Nms rows=N)',
      '         Sort Key: created_at DESC',
      '        -> Seq Scan on posts  (cost=N rows=N) (actual time=Nms rows=N)',
    ]);
  });

  it('serves only the PlanNode fields', () => {
    expect(Object.keys(toPlanNodes(readPostgresPlan(postgres.seqScanFilter.plan))[0]).sort()).toEqual([
      'actualRows', 'children', 'cost', 'estimatedRows', 'filter', 'index', 'operation', 'relation', 'timeMs',
    ]);
  });
});
