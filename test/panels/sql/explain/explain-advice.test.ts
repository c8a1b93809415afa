import { describe, expect, it } from 'vitest';
import postgres from '../../../fixtures/explain/postgres.json' with { type: 'json' };
import mariadb from '../../../fixtures/explain/mariadb.json' with { type: 'json' };
import sqlite from '../../../fixtures/explain/sqlite.json' with { type: 'json' };
import { readPostgresPlan } from '../../../../server/panels/sql/explain/plan-postgres.js';
import { readMysqlJsonPlan } from '../../../../server/panels/sql/explain/plan-mysql.js';
import { readSqlitePlan } from '../../../../server/panels/sql/explain/plan-sqlite.js';
import { adviseFromPlan, type Advice } from '../../../../server/panels/sql/explain/suggestions.js';
import { sqlClauses } from '../../../../server/panels/sql/explain/conditions.js';
import { indexNeeds } from '../../../../server/panels/sql/explain/index-needs.js';
import { planIndexes } from '../../../../server/panels/sql/explain/index-design.js';
import type { Catalog, TableCatalog } from '../../../../server/panels/sql/explain/catalog.js';
import type { ReadNode } from '../../../../server/panels/sql/explain/plan-node.js';
import { walk } from '../../../../server/panels/sql/explain/plan-node.js';

/*
 * The advice on real plans and real catalogs, both captured from PostgreSQL 15, MariaDB 10.11 and
 * SQLite 3.53 by test/fixtures/explain/capture.ts (queries in cases.ts): 12,000 posts with an index
 * on user_id (4 values), 2,000 commenters over 100 "Users", a stale table, uuids, booleans.
 */

type Case = { sql: string; plan?: unknown };
type Fixture = { cases: Record<string, Case>; catalog: { tables: Record<string, TableCatalog> }; catalogAfterAnalyze?: { tables: Record<string, TableCatalog> } };
const catalogOf = (tables: Record<string, TableCatalog>): Catalog => ({ tables: new Map(Object.entries(structuredClone(tables))) });

const dialects = {
  postgres: { fixture: postgres as unknown as Fixture, dialect: 'postgres' as const, read: readPostgresPlan },
  mariadb: { fixture: mariadb as unknown as Fixture, dialect: 'mysql' as const, read: readMysqlJsonPlan },
  sqlite: { fixture: sqlite as unknown as Fixture, dialect: 'sqlite' as const, read: (plan: unknown) => readSqlitePlan(plan as never) },
};

function advise(which: keyof typeof dialects, name: string, catalog?: Catalog): Advice & { nodes: ReadNode[] } {
  const { fixture, dialect, read } = dialects[which];
  const c = fixture.cases[name];
  const nodes = read(c.plan);
  return { ...adviseFromPlan({ dialect, flavor: which === 'mariadb' ? 'mariadb' : undefined, nodes, sql: c.sql, catalog: catalog ?? catalogOf(fixture.catalog.tables) }), nodes };
}
const codes = (advice: Advice) => advice.suggestions.map((s) => s.code);

describe('index advice on real plans and catalogs', () => {
  it.each([
    ['postgres', 'seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // Equality columns by selectivity from pg_stats: author_id (100 values) before status (2).
    ['postgres', 'castFilter', ['CREATE INDEX posts_author_id_status_idx ON posts (author_id, status);']],
    ['postgres', 'rangeFilter', ['CREATE INDEX posts_author_id_created_at_idx ON posts (author_id, created_at);']],
    ['postgres', 'sortLimit', ['CREATE INDEX posts_created_at_idx ON posts (created_at);']],
    ['postgres', 'joinIndex', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // The uuid lookups: user_id's index finds a quarter of the table; uuid alone finds one row, whichever order the query wrote.
    ['postgres', 'uuidThenUser', ['CREATE INDEX posts_uuid_idx ON posts (uuid);']],
    ['postgres', 'userThenUuid', ['CREATE INDEX posts_uuid_idx ON posts (uuid);']],
    // The booleans: the selective id first, the two-valued columns after.
    ['postgres', 'booleans', ['CREATE INDEX posts_status_page_id_pin_active_idx ON posts (status_page_id, pin, active);']],
    ['postgres', 'nestedLoopJoinFilter', ['CREATE INDEX posts_title_idx ON posts (title);']],
    ['mariadb', 'seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // The plan names the alias p; the index goes on the table.
    ['mariadb', 'joinIndex', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    ['mariadb', 'joinBuffer', ['CREATE INDEX posts_title_idx ON posts (title);']],
    // No statistics on uuid in MariaDB (its column_stats are empty); user_id is known to find a quarter: uuid leads.
    ['mariadb', 'uuidThenUser', ['CREATE INDEX posts_uuid_user_id_idx ON posts (uuid, user_id);']],
    ['mariadb', 'userThenUuid', ['CREATE INDEX posts_uuid_user_id_idx ON posts (uuid, user_id);']],
    ['mariadb', 'booleans', ['CREATE INDEX posts_status_page_id_pin_active_idx ON posts (status_page_id, pin, active);']],
    ['sqlite', 'seqScanFilter', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // The SCAN of p is the inner loop of a.id = p.author_id: the join column, on the table really scanned.
    ['sqlite', 'joinIndex', ['CREATE INDEX posts_author_id_idx ON posts (author_id);']],
    // A bare `status` in a two-table FROM: only posts has such a column (the catalog says).
    ['sqlite', 'bareColumn', ['CREATE INDEX posts_status_idx ON posts (status);']],
    ['sqlite', 'automaticIndex', ['CREATE INDEX posts_title_idx ON posts (title);']],
    ['sqlite', 'booleans', ['CREATE INDEX posts_status_page_id_pin_active_idx ON posts (status_page_id, pin, active);']],
    ['sqlite', 'insert', []],
  ] as const)('%s %s → %j', (which, name, expected) => {
    expect(codes(advise(which, name)).filter((code) => code.startsWith('CREATE INDEX'))).toEqual(expected);
  });

  it.each([
    ['postgres', 'coveredRange', /the existing index comments_user_id_idx \(user_id\) already serves the test on user_id/],
    ['mariadb', 'coveredByIndex', /the existing index posts_user_id_idx \(user_id\) already serves the test on user_id/],
    ['postgres', 'bareColumn', /status finds ~33% of posts per lookup, so no index is suggested/],
    ['postgres', 'staleAnalyzed', /v finds ~95% of stale per lookup/],
  ] as const)('%s %s: no index an existing one covers, or none would use; a note says why', (which, name, note) => {
    const advice = advise(which, name);
    expect(advice.suggestions.filter((s) => s.kind === 'index')).toEqual([]);
    expect(advice.notes.join('\n')).toMatch(note);
  });

  it('says where the column order comes from, and what it left out', () => {
    expect(advise('postgres', 'castFilter').suggestions[0].reason).toMatch(
      /Equality columns ordered by selectivity from pg_stats: author_id \(~120 rows per value\), status \(~6,000 rows per value\)\./);
    expect(advise('postgres', 'uuidThenUser').suggestions[0].reason).toBe(
      'Bitmap Heap Scan on posts reads ~3,000 rows through posts_user_id_idx to keep ~1 filtering on user_id, uuid; an index on the columns'
      + ' that find the rows lets the database go straight to them. Equality columns ordered by selectivity from pg_stats: uuid (~1 row per value).'
      + ' user_id left out: uuid already finds ~1 row per lookup.');
    expect(advise('sqlite', 'seqScanFilter').suggestions[0].reason).toMatch(/size is unknown: there is no sqlite_stat1/);
  });

  it('resolves a bare column against the catalog, and without the catalog refuses to guess between two tables', () => {
    const sql = dialects.sqlite.fixture.cases.bareColumn.sql;
    const nodes = readSqlitePlan(dialects.sqlite.fixture.cases.bareColumn.plan as never);
    expect(adviseFromPlan({ dialect: 'sqlite', sql, nodes }).suggestions).toEqual([]);
  });

  it('gives every index suggestion its table and columns as the catalog spells them, for the what-if', () => {
    expect(advise('postgres', 'booleans').suggestions[0].index).toEqual({
      table: 'posts', schema: expect.stringMatching(/^edt_fixture_/), columns: ['status_page_id', 'pin', 'active'],
    });
  });
});

describe('merged per table across the queries of a request', () => {
  const needsOf = (name: string) => {
    const c = dialects.postgres.fixture.cases[name];
    return indexNeeds({ dialect: 'postgres', nodes: readPostgresPlan(c.plan), clauses: sqlClauses(c.sql, 'postgres'), catalog: catalogOf(dialects.postgres.fixture.catalog.tables) });
  };

  it('one index for the uuid lookups of both orders, one (author_id, status) for author_id alone and with status', () => {
    const { indexes } = planIndexes(['uuidThenUser', 'userThenUuid', 'seqScanFilter', 'castFilter', 'rangeFilter'].flatMap(needsOf));
    expect(indexes.map((index) => [index.table, index.columns, index.needs.length])).toEqual([
      ['posts', ['author_id', 'status'], 2],
      ['posts', ['author_id', 'created_at'], 1],
      ['posts', ['uuid'], 2],
    ]);
  });
});

describe('statistics advice only where statistics are the cause', () => {
  const misestimated = (nodes: ReadNode[]) => [...walk(nodes)].map(([node]) => node)
    .filter((node) => node.actualRows !== null && node.estimatedRows !== null && !node.neverExecuted)
    .some((node) => {
      const total = (node.actualRows ?? 0) * (node.loops ?? 1);
      const [a, b] = [Math.max(node.estimatedRows ?? 0, 1), Math.max(total, 1)];
      return Math.max(a, b) / Math.min(a, b) >= 10 && Math.max(a, b) >= 100;
    });

  it.each(['mergeJoinEarlyStop', 'limitEarlyStop', 'nestedLoopInner', 'semiJoin', 'antiJoin'])(
    'postgres %s: estimate and actual rows are far apart, right after ANALYZE, and nothing asks to refresh statistics', (name) => {
      const advice = advise('postgres', name);
      // The case does show what fooled the toolbar before: a node 10× off (counting actual rows × loops).
      expect(misestimated(advice.nodes)).toBe(true);
      expect(advice.suggestions.filter((s) => s.kind === 'statistics')).toEqual([]);
    });

  it('asks for ANALYZE when the table changed since its last one (rows inserted, autovacuum off)', () => {
    const advice = advise('postgres', 'staleAnalyzed');
    expect(advice.suggestions.filter((s) => s.kind === 'statistics').map((s) => s.code)).toEqual(['ANALYZE stale;']);
    expect(advice.suggestions[0].reason).toMatch(/expected ~186 rows from Seq Scan on stale and got 20,010\. 20,000 rows of stale changed since its last ANALYZE/);
  });

  it('asks for extended statistics, not ANALYZE, when fresh statistics miss two correlated columns', () => {
    const advice = advise('postgres', 'correlatedAnalyzed');
    expect(advice.suggestions.filter((s) => s.kind === 'statistics').map((s) => s.code)).toEqual([
      'CREATE STATISTICS posts_bucket_bucket2_stats (dependencies, ndistinct, mcv) ON bucket, bucket2 FROM posts;\nANALYZE posts;',
    ]);
    const withStats = catalogOf(dialects.postgres.fixture.catalog.tables);
    (withStats.tables.get('posts') as TableCatalog).extendedStats = [['bucket', 'bucket2']];
    const covered = advise('postgres', 'correlatedAnalyzed', withStats);
    expect(covered.suggestions.filter((s) => s.kind === 'statistics')).toEqual([]);
    expect(covered.notes.join('\n')).toMatch(/its statistics are fresh\. Statistics are not the cause here/);
  });

  it('on MariaDB, asks for the column statistics it lacks, and says nothing more once they exist', () => {
    const advice = advise('mariadb', 'seqScanFilterAnalyzed');
    expect(advice.suggestions.filter((s) => s.kind === 'statistics').map((s) => s.code)).toEqual(['ANALYZE TABLE posts PERSISTENT FOR COLUMNS (author_id) INDEXES ();']);
    const withStats = catalogOf(dialects.mariadb.fixture.catalog.tables);
    (withStats.tables.get('posts') as TableCatalog).columnStats = ['author_id'];
    expect(advise('mariadb', 'seqScanFilterAnalyzed', withStats).suggestions.filter((s) => s.kind === 'statistics')).toEqual([]);
    (withStats.tables.get('posts') as TableCatalog).columnStats = null;
    expect(advise('mariadb', 'seqScanFilterAnalyzed', withStats).notes.join('\n')).toMatch(/could not read mysql\.column_stats/);
  });

  it('says it could not tell, rather than guess, when the catalog is missing', () => {
    const advice = advise('postgres', 'staleAnalyzed', { tables: new Map(), error: 'permission denied' });
    expect(advice.suggestions.filter((s) => s.kind === 'statistics')).toEqual([]);
    expect(advice.notes.join('\n')).toMatch(/could not read when stale was last analyzed \(permission denied\)/);
  });
});
