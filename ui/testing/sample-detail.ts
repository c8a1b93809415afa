/** A realistic RequestDetail for tests (and for eyeballing the panel). */
import type { QueryRecord, RequestDetail } from '../../server/types.js';

const pg = { dialect: 'postgres', driver: 'pg', database: 'shop', explainKey: 'pg:shop' } as const;
const site = (line: number) => ({ file: '/home/dev/shop/src/routes/orders.ts', line, column: 5, function: 'listOrders' });

const query = (id: number, sql: string, params: unknown[], durationMs: number | null, rowCount: number | null, fingerprint: string): QueryRecord => ({
  id,
  sql,
  params,
  startMs: id * 2,
  durationMs,
  rowCount,
  db: pg,
  fingerprint,
  callSite: site(10 + id),
});

const USER = 'SELECT * FROM users WHERE id = $1';
const ITEMS = 'SELECT * FROM order_items WHERE order_id = $1';

export const sampleDetail: RequestDetail = {
  id: 'abc-12',
  method: 'GET',
  url: '/orders?page=1',
  status: 200,
  startedAt: 1_700_000_000_000,
  durationMs: 48.2,
  contentType: 'text/html',
  queryCount: 7,
  duplicateCount: 1,
  nPlusOneCount: 1,
  panels: {
    sql: {
      droppedQueryCount: 0,
      totalQueryMs: 12.3,
      queries: [
        query(1, 'SELECT id, total FROM orders ORDER BY created_at DESC LIMIT $1', [20], 2.5, 3, 'f-orders'),
        query(2, USER, [7], 1.25, 1, 'f-user'),
        query(3, ITEMS, [101], 0.5, 2, 'f-items'),
        query(4, ITEMS, [102], 4.75, 5, 'f-items'),
        query(5, USER, [7], 1.5, 1, 'f-user'),
        query(6, ITEMS, [103], 0.8, 1, 'f-items'),
        query(7, USER, [7], 1.0, 1, 'f-user'),
      ],
      duplicates: [{ fingerprint: 'f-user', sql: USER, queryIds: [2, 5, 7], count: 3 }],
      similar: [
        { fingerprint: 'f-user', sql: USER, queryIds: [2, 5, 7], count: 3, totalMs: 3.75 },
        { fingerprint: 'f-items', sql: ITEMS, queryIds: [3, 4, 6], count: 3, totalMs: 6.05 },
      ],
      nPlusOne: [{
        fingerprint: 'f-items', sql: ITEMS, count: 3, queryIds: [3, 4, 6], totalMs: 6.05, callSite: site(13),
        stack: [site(13), { file: '/home/dev/shop/src/services/orders.ts', line: 42, column: 11, function: 'loadItems' }],
        suggestion: {
          title: 'Load the items of all orders in one query',
          code: "const items = await knex('order_items').whereIn('order_id', orders.map((o) => o.id));",
          orm: 'knex',
          reason: 'saves 2 queries, 1.30 ms',
        },
        editorUrl: 'vscode://file/home/dev/shop/src/routes/orders.ts:13:5',
        parentQueryId: 1,
        concurrent: false,
      }],
      queryBudget: 20,
    },
    timeline: { spans: [] },
    templates: { renders: [] },
  },
  overBudget: false,
};
