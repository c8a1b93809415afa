// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { RequestDetail } from '../../../server/types.js';
import { setupDom } from '../../testing/dom.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { requestPanel } from './index.js';
import { NO_HEADERS, RequestPanel } from './RequestPanel.js';

const dom = setupDom();
const detail: RequestDetail = {
  ...sampleDetail,
  method: 'POST',
  url: '/login?next=/home',
  status: 303,
  requestHeaders: [{ name: 'Host', value: 'localhost:3000' }, { name: 'Cookie', value: 'sid=[redacted]' }],
  responseHeaders: [{ name: 'Location', value: '/home' }, { name: 'Set-Cookie', value: 'sid=[redacted]; Path=/' }],
};
const table = (label: string) => [...dom.container.querySelectorAll(`table[aria-label="${label}"] tr`)]
  .map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]);

describe('RequestPanel', () => {
  it('shows method, URL and status, then both header tables in order', async () => {
    await dom.render(<RequestPanel detail={detail} mountPath="/__toolbar" />);
    expect(dom.container.querySelector('.request-line')!.textContent).toBe('POST /login?next=/home → 303');
    expect(table('Request headers')).toEqual([['Host', 'localhost:3000'], ['Cookie', 'sid=[redacted]']]);
    expect(table('Response headers')).toEqual([['Location', '/home'], ['Set-Cookie', 'sid=[redacted]; Path=/']]);
    expect(requestPanel.badge(detail)).toBeNull();
  });

  it('says so when no headers were recorded (older records, a response closed early)', async () => {
    await dom.render(<RequestPanel detail={{ ...sampleDetail, status: 0 }} mountPath="/__toolbar" />);
    expect([...dom.container.querySelectorAll('p.state')].map((p) => p.textContent)).toEqual([NO_HEADERS, NO_HEADERS]);
    expect(dom.container.querySelector('.request-line')!.textContent).toMatch(/no status/);
  });

  it('shows the route, params, query, bodies, cookie names and session keys the server recorded', async () => {
    const request = {
      route: '/api/users/:userId/orders', params: { userId: '42' }, query: { tag: ['a', 'b'], token: '[redacted]' },
      body: { value: { items: [1, 2], password: '[redacted]' } }, responseBody: { omitted: '80 KB, over the 64 KB the toolbar keeps' },
      cookies: ['theme', 'sid'], session: ['cart'],
    };
    await dom.render(<RequestPanel detail={{ ...detail, panels: { request } }} mountPath="/__toolbar" />);
    expect(table('Route params')).toEqual([['userId', '42']]);
    expect(table('Query')).toEqual([['tag', '["a","b"]'], ['token', '[redacted]']]);
    expect(dom.container.querySelector('pre[aria-label="Request body"]')!.textContent).toContain('"password": "[redacted]"');
    const text = dom.container.textContent!;
    expect(text).toContain('/api/users/:userId/orders');
    expect(text).toContain('Not kept: 80 KB, over the 64 KB the toolbar keeps.');
    expect(text).toContain('theme, sid');
    expect(text).toContain('cart');
  });
});
