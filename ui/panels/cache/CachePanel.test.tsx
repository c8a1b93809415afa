// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { RequestDetail } from '../../../server/types.js';
import type { CacheDetail } from '../../../server/panels/cache/types.js';
import { setupDom } from '../../testing/dom.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { cachePanel } from './index.js';
import { CachePanel, NO_CACHE } from './CachePanel.js';

const dom = setupDom();
const site = (line: number) => ({ file: '/app/routes/feed.js', line, column: 5, function: 'feed' });
const get = (id: number, hit: boolean) => ({
  command: 'GET', key: `user:${id}`, args: [`user:${id}`], startMs: id, durationMs: 0.5, callSite: site(12), client: 'node-redis' as const, hit,
});
const cache: CacheDetail = {
  commands: [
    get(1, true), get(2, true), get(3, false),
    {
      command: 'PIPELINE', key: null, args: [], startMs: 4, durationMs: 1, callSite: site(20), client: 'node-redis',
      pipeline: { kind: 'pipeline', commands: [{ command: 'GET', key: 'a', args: ['a'], hit: true }, { command: 'GET', key: '<b>b</b>', args: ['<b>b</b>'], hit: false }] },
    },
    { command: 'HGET', key: 'user:1', args: ['user:1', 'name'], startMs: 5, durationMs: 0.2, callSite: null, client: 'node-redis', error: 'WRONGTYPE Operation against a key holding the wrong kind of value', afterResponse: true },
  ],
  findings: [{
    kind: 'n-plus-one', command: 'GET', keyPattern: 'user:*', count: 3, commandIndexes: [0, 1, 2], totalMs: 1.5, callSite: site(12),
    message: 'GET user:* ran 3 times from routes/feed.js:12',
    fix: { receiver: 'client', text: 'Read the keys in one MGET: client.mGet(keys)', code: 'const values = await client.mGet(keys);' },
  }],
  dropped: 0,
};
const detail: RequestDetail = { ...sampleDetail, panels: { cache } };
const rows = () => [...dom.container.querySelectorAll('table.cache tbody tr')];

describe('CachePanel', () => {
  it('lists the round trips with key, hit or miss, errors and lines, the batch commands, and the N+1 with its fix', async () => {
    await dom.render(<CachePanel detail={detail} mountPath="/__toolbar" />);
    expect(rows()).toHaveLength(5);
    const text = dom.container.textContent!;
    expect(text).toContain('5 round trips');
    expect(text).toContain('N+1: GET user:* ran 3 times from routes/feed.js:12');
    expect(text).toContain('const values = await client.mGet(keys);');
    expect(rows()[2].textContent).toContain('miss');
    expect(rows().slice(0, 3).every((tr) => tr.classList.contains('in-finding'))).toBe(true);
    expect(rows()[3].textContent).toContain('PIPELINE');
    expect(rows()[3].textContent).toContain('(miss)');
    expect(rows()[4].className).toBe('cache-error');
    expect(rows()[4].textContent).toContain('error: WRONGTYPE');
    // A command sent after the response says so.
    expect(rows()[4].querySelector('.cache-late')?.textContent).toBe('after the response');
    expect(dom.container.querySelectorAll('.cache-late')).toHaveLength(1);
    expect(text).toContain('feed.js:12');
    // Text, never markup.
    expect(dom.container.querySelector('b')).toBeNull();
    expect(text).toContain('<b>b</b>');
    expect(cachePanel.badge(detail)).toEqual({ text: '5', tone: 'warn' });
  });

  it('says what is recorded when the request sent no command', async () => {
    await dom.render(<CachePanel detail={sampleDetail} mountPath="/__toolbar" />);
    expect(dom.container.textContent).toBe(NO_CACHE);
    expect(cachePanel.badge(sampleDetail)).toBeNull();
  });
});
