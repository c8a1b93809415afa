import { describe, expect, it } from 'vitest';
import { designIndex, planIndexes } from '../../../../server/panels/sql/explain/index-design.js';
import type { IndexNeed } from '../../../../server/panels/sql/explain/index-needs.js';
import type { CatalogIndex, TableCatalog } from '../../../../server/panels/sql/explain/catalog.js';

/* How one need becomes an index, and needs merge: tables of cases over a small hand-written catalog. */

const index = (name: string, ...columns: string[]): CatalogIndex => ({ name, columns, unique: false, partial: false, method: 'btree' });

function table(distinct: Record<string, number>, indexes: CatalogIndex[] = [], rows = 100_000): TableCatalog {
  return { name: 'orders', schema: 'public', columns: Object.keys(distinct), indexes, rows, bytes: 1, distinct, statsSource: 'pg_stats' };
}

function need(catalog: TableCatalog | null, fields: Partial<IndexNeed>): IndexNeed {
  return {
    table: 'orders', schema: 'public', catalog, equal: [], range: null, sort: [], rows: 100_000, kept: 10, keptKnown: true, joined: [],
    node: 'Seq Scan on orders', via: null, why: 'filter', ...fields,
  };
}

// 100,000 orders: customer_id 10,000 values (10 rows each), shop_id 100 (1,000 each), status 5, paid 2, uuid unique.
const stats = { customer_id: 10_000, shop_id: 100, status: 5, paid: 2, uuid: 100_000, created_at: 90_000, note: 0 };
const columns = (result: ReturnType<typeof designIndex>) => ('index' in result ? result.index.columns : 'covered' in result ? `covered by ${result.covered.by.name}` : 'unselective');

describe('designIndex', () => {
  it.each([
    ['most distinct first', table(stats), { equal: ['status', 'shop_id'] }, ['shop_id', 'status']],
    ['stops once the columns so far find 10 rows or fewer', table(stats), { equal: ['shop_id', 'customer_id', 'status'] }, ['customer_id']],
    ['a unique column alone', table(stats), { equal: ['paid', 'uuid', 'shop_id'] }, ['uuid']],
    ['equalities, then the range', table(stats), { equal: ['shop_id'], range: 'created_at' }, ['shop_id', 'created_at']],
    ['no range after columns that already find few rows', table(stats), { equal: ['customer_id'], range: 'created_at' }, ['customer_id']],
    ['equalities, then the sort keys', table(stats), { equal: ['shop_id'], sort: [{ column: 'created_at', desc: true }], why: 'sort' }, ['shop_id', 'created_at']],
    ['no statistics: the query order, columns known to find a fifth of the table after', table({ shop_id: 100, paid: 2 }), { equal: ['paid', 'region', 'shop_id', 'zone'] }, ['shop_id', 'region', 'zone', 'paid']],
    ['an existing index leading with the columns covers', table(stats, [index('o_shop_status', 'status', 'shop_id', 'paid')]), { equal: ['shop_id', 'status'] }, 'covered by o_shop_status'],
    ['an existing index whose leading column already finds few rows covers', table(stats, [index('o_customer', 'customer_id')]), { equal: ['customer_id', 'shop_id'] }, 'covered by o_customer'],
    ['a range needs the index in that order', table(stats, [index('o_created_shop', 'created_at', 'shop_id')]), { equal: ['shop_id'], range: 'created_at' }, ['shop_id', 'created_at']],
    ['a partial or expression index never covers', table(stats, [{ ...index('o_shop', 'shop_id'), partial: true }, index('o_expr', null as unknown as string)]), { equal: ['shop_id'] }, ['shop_id']],
    // The issue: user_id has an index and finds too many rows; uuid alone finds one. Never (user_id, uuid).
    ['columns that find fewer rows than an existing index are indexed alone', table(stats, [index('o_shop', 'shop_id')]), { equal: ['shop_id', 'uuid'] }, ['uuid']],
    ['an existing index that does not find few rows is extended, starting with its columns', table(stats, [index('o_status', 'status')]), { equal: ['status', 'shop_id'], kept: 200 }, ['status', 'shop_id']],
    ['lookups that find a large share of the table get no index', table(stats), { equal: ['paid'], kept: 50_000 }, 'unselective'],
  ] as const)('%s', (_name, catalog, fields, expected) => {
    expect(columns(designIndex(need(catalog, fields as unknown as Partial<IndexNeed>)))).toEqual(expected);
  });

  it('names the existing index it extends, which becomes redundant', () => {
    const result = designIndex(need(table(stats, [index('o_status', 'status')]), { equal: ['status', 'shop_id'], kept: 200 }));
    expect('index' in result && result.index.extends?.name).toBe('o_status');
  });

  it('descends only the keys whose direction differs from the first', () => {
    const result = designIndex(need(table(stats), { why: 'sort', sort: [{ column: 'shop_id', desc: false }, { column: 'created_at', desc: true }] }));
    expect('index' in result && result.index.desc).toEqual([false, true]);
  });
});

describe('planIndexes: the fewest indexes for all the needs of a table', () => {
  it.each([
    ['nested equality sets become one index', [{ equal: ['shop_id'] }, { equal: ['shop_id', 'status'] }], [['shop_id', 'status']]],
    ['the smaller set leads, whatever the statistics say', [{ equal: ['status', 'shop_id'] }, { equal: ['status'] }], [['status', 'shop_id']]],
    ['a chain of three', [{ equal: ['status'] }, { equal: ['status', 'shop_id', 'paid'] }, { equal: ['shop_id', 'status'] }], [['status', 'shop_id', 'paid']]],
    ['sets that do not nest stay apart', [{ equal: ['shop_id', 'status'] }, { equal: ['shop_id', 'paid'] }], [['shop_id', 'status'], ['shop_id', 'paid']]],
    ['a sort after the largest set joins it', [{ equal: ['shop_id'], sort: [{ column: 'created_at', desc: false }], why: 'sort' }, { equal: ['shop_id'] }], [['shop_id', 'created_at']]],
    ['the same need twice is one index', [{ equal: ['uuid'] }, { equal: ['uuid'] }], [['uuid']]],
  ] as const)('%s', (_name, fields, expected) => {
    const { indexes } = planIndexes(fields.map((f) => need(table(stats), { kept: 10, ...(f as unknown as Partial<IndexNeed>) })));
    expect(indexes.map((i) => i.columns)).toEqual(expected);
    expect(indexes.reduce((sum, i) => sum + i.needs.length, 0)).toBe(fields.length);
  });

  it('never merges needs on different tables', () => {
    const other = { ...table(stats), name: 'refunds' };
    const { indexes } = planIndexes([need(table(stats), { equal: ['shop_id'] }), { ...need(other, { equal: ['shop_id'] }), table: 'refunds' }]);
    expect(indexes.map((i) => [i.table, i.columns])).toEqual([['orders', ['shop_id']], ['refunds', ['shop_id']]]);
  });
});
