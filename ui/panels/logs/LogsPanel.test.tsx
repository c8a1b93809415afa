// @vitest-environment jsdom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { RequestDetail } from '../../../server/types.js';
import type { LogsDetail } from '../../../server/panels/logs/types.js';
import { setupDom } from '../../testing/dom.js';
import { sampleDetail } from '../../testing/sample-detail.js';
import { sqlOf } from '../../testing/panel-details.js';
import { logsPanel } from './index.js';
import { LogsPanel, NO_LOGS } from './LogsPanel.js';

const dom = setupDom();
const site = (line: number) => ({ file: '/app/routes/orders.js', line, column: 5, function: 'list' });
const logs: LogsDetail = {
  entries: [
    { level: 'info', message: 'listing orders', timeMs: 0.1, callSite: site(4), source: 'pino', fields: { userId: 7, token: '[redacted]' } },
    { level: 'warn', message: 'slow <b>orders</b>', timeMs: 999, callSite: null, source: 'console', afterResponse: true },
  ],
  dropped: 3,
};
const detail: RequestDetail = { ...sampleDetail, panels: { ...sampleDetail.panels, logs } };
const rows = () => [...dom.container.querySelectorAll('table.logs tbody tr')].map((tr) => tr.className);

describe('LogsPanel', () => {
  it('lists the lines with level, logger, fields and line, says how many were not kept, and warns in the badge', async () => {
    await dom.render(<LogsPanel detail={detail} mountPath="/__toolbar" />);
    expect(rows()).toEqual(['log-info', 'log-warn']);
    const text = dom.container.textContent!;
    expect(text).toContain('2 lines');
    expect(text).toContain('3 more not kept');
    expect(text).toContain('"token": "[redacted]"');
    expect(text).toContain('orders.js:4');
    // A line logged after the response says so.
    expect(dom.container.querySelectorAll('.log-late')).toHaveLength(1);
    expect(dom.container.querySelector('tr.log-warn .log-late')?.textContent).toBe('after the response');
    // Text, never markup.
    expect(dom.container.querySelector('b')).toBeNull();
    expect(text).toContain('slow <b>orders</b>');
    expect(logsPanel.badge(detail)).toEqual({ text: '2', tone: 'warn' });
  });

  it('puts the SQL between the lines, in time order, when asked', async () => {
    await dom.render(<LogsPanel detail={detail} mountPath="/__toolbar" />);
    const toggle = dom.container.querySelector('input[type="checkbox"]') as HTMLInputElement;
    await act(async () => toggle.click());
    const kinds = rows();
    expect(kinds[0]).toBe('log-info');
    expect(kinds.at(-1)).toBe('log-warn');
    expect(kinds.filter((k) => k === 'log-query')).toHaveLength(sqlOf(sampleDetail).queries.length);
  });

  it('says what is recorded when the request logged nothing', async () => {
    await dom.render(<LogsPanel detail={sampleDetail} mountPath="/__toolbar" />);
    expect(dom.container.textContent).toBe(NO_LOGS);
    expect(logsPanel.badge(sampleDetail)).toBeNull();
  });
});
