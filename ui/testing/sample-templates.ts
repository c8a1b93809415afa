/** The sample request's renders: a view with a layout, a partial per order row, a footer. */
import type { TemplateRender } from '../../server/types.js';

export const sampleTemplates: TemplateRender[] = [
  { id: 't1', parentId: null, name: 'orders/list', engine: 'ejs', file: '/home/dev/shop/views/orders/list.ejs', durationMs: 9.8, queryIds: [5, 6, 7], localKeys: ['orders', 'user', 'page'] },
  { id: 't2', parentId: 't1', name: 'partials/order-row', engine: 'ejs', file: '/home/dev/shop/views/partials/order-row.ejs', durationMs: 6.2, queryIds: [5, 6], localKeys: ['order'] },
  { id: 't3', parentId: 't2', name: 'partials/price', engine: 'ejs', file: '/home/dev/shop/views/partials/price.ejs', durationMs: 0.4, queryIds: [], localKeys: ['amount', 'currency'] },
  { id: 't4', parentId: 't1', name: 'partials/footer', engine: 'ejs', file: null, durationMs: 0.9, queryIds: [], localKeys: [] },
];
