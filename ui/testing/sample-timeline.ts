/** Timelines for tests and for eyeballing the panel: the sample request's, and a generated large one. */
import type { TimelineSpan } from '../../server/types.js';

const span = (id: string, parentId: string | null, kind: string, name: string, startMs: number, durationMs: number, detail?: string): TimelineSpan => ({
  id,
  parentId,
  kind: kind as TimelineSpan['kind'],
  name,
  startMs,
  durationMs,
  ...(detail ? { detail } : {}),
});

/** GET /orders?page=1: middleware, the handler with its 7 queries and an outbound call, the render. */
export const sampleTimeline: TimelineSpan[] = [
  span('request', null, 'request', 'GET /orders?page=1', 0, 48.2),
  span('s1', 'request', 'middleware', 'jsonParser', 0.3, 0.4, 'body-parser'),
  span('s2', 'request', 'middleware', 'session', 0.8, 2.1, 'src/app.ts:21'),
  span('s3', 'request', 'handler', 'listOrders', 3.1, 38.5, 'GET /orders'),
  span('query-1', 's3', 'query', 'SELECT id, total FROM orders ORDER BY created_at DESC LIMIT $1', 3.4, 2.5),
  span('query-2', 's3', 'query', 'SELECT * FROM users WHERE id = $1', 6.2, 1.25),
  span('query-3', 's3', 'query', 'SELECT * FROM order_items WHERE order_id = $1', 7.6, 0.5),
  span('query-4', 's3', 'query', 'SELECT * FROM order_items WHERE order_id = $1', 8.3, 4.75),
  span('query-5', 's3', 'query', 'SELECT * FROM users WHERE id = $1', 13.2, 1.5),
  span('query-6', 's3', 'query', 'SELECT * FROM order_items WHERE order_id = $1', 14.9, 0.8),
  span('query-7', 's3', 'query', 'SELECT * FROM users WHERE id = $1', 15.9, 1.0),
  span('s4', 's3', 'http', 'GET https://rates.example.com/eur', 17.2, 12.4, '200 · 1.2 kB'),
  span('s5', 's3', 'render', 'orders/list', 30.1, 9.8, 'views/orders/list.ejs'),
  span('s6', 's5', 'render', 'partials/order-row', 31.0, 6.2, 'views/partials/order-row.ejs'),
  span('m1', 'request', 'milestone', 'headers sent', 41.9, 0),
  span('s7', 'request', 'cache', 'cache lookup', 1.2, 0.3, 'a kind the UI does not know'),
];

/**
 * `count` spans: a request, handlers of 10 children each, the rest queries, for the size test.
 *
 * @example
 * manySpans(500).length // → 500
 */
export function manySpans(count: number): TimelineSpan[] {
  const spans: TimelineSpan[] = [span('request', null, 'request', 'GET /big', 0, count * 0.2 + 5)];
  let parent = 'request';
  for (let i = 1; spans.length < count; i++) {
    if (i % 11 === 1) {
      parent = `h${i}`;
      spans.push(span(parent, 'request', 'handler', `handler ${i}`, i * 0.2, 2.2));
    } else {
      spans.push(span(`query-${i}`, parent, 'query', `SELECT * FROM t WHERE id = ${i}`, i * 0.2, 0.15));
    }
  }
  return spans;
}
