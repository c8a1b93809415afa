// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { RequestDetail } from '../../server/types.js';
import { Announcer } from './announcer.js';
import { App } from './App.js';
import { PANELS } from './panels.js';
import { setupDom } from '../testing/dom.js';
import { sampleDetail } from '../testing/sample-detail.js';
import { sampleTemplates } from '../testing/sample-templates.js';
import { sampleTimeline } from '../testing/sample-timeline.js';
import { SqlPanel } from '../panels/sql/SqlPanel.js';
import { TimelinePanel } from '../panels/timeline/TimelinePanel.js';
import { TemplatesPanel } from '../panels/templates/TemplatesPanel.js';
import { RequestPanel } from '../panels/request/RequestPanel.js';
import { detailOf, stubApi, summary } from '../testing/history.js';
import { sqlOf, withSql, withTemplates, withTimeline } from '../testing/panel-details.js';

/*
 * Everything the panels show comes from the app's requests: SQL, params, URLs, template names,
 * error messages, headers. Each is text: hostile strings must create no element and read as written.
 */

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; --\"",
  '</style><svg onload=alert(1)>',
  '\u202Egnp.exe\u202C עברית 👩‍💻 𝒳',
];
const SAFE = ['plain one', 'plain two', 'plain three', 'plain four', 'plain five'];

const dom = setupDom();

/** The same request with `p` in every string the app controls. */
function detailWith(p: string[]): RequestDetail {
  const all = p.join(' ');
  const request: RequestDetail = {
    ...sampleDetail,
    url: `/search?q=${all}`,
    error: { message: all, stack: [{ file: `/app/${p[1]}.js`, line: 1, column: 1, function: p[0] }] },
    requestHeaders: [{ name: 'X-Evil', value: all }, { name: p[1], value: 'x' }],
    responseHeaders: [{ name: 'Content-Type', value: `text/html; ${p[3]}` }],
  };
  const queries = sqlOf(sampleDetail).queries.map((q, i) => (i === 0 ? { ...q, sql: `SELECT '${all}' AS x`, params: [all, { html: p[1] }], error: all } : q));
  const spans = sampleTimeline.map((span, i) => (i === 1 ? { ...span, name: all, detail: p[1] } : span));
  const renders = sampleTemplates.map((t, i) => (i === 0 ? { ...t, name: all, file: `/views/${p[1]}.ejs`, localKeys: [p[0]] } : t));
  return withTemplates(withTimeline(withSql(request, { queries }), spans), renders);
}
const HOSTILE = PAYLOADS.join(' ');
const hostileDetail = detailWith(PAYLOADS);

/** How many elements of each tag: the hostile render must build exactly the benign one's. */
const tagCounts = (root: ParentNode) => {
  const counts: Record<string, number> = {};
  // Highlighting splits SQL into spans by token, and quotes make other tokens: spans are not counted.
  for (const element of root.querySelectorAll('*')) {
    counts[element.tagName] = element.tagName === 'SPAN' ? 1 : (counts[element.tagName] ?? 0) + 1;
  }
  return counts;
};

/** The elements of the benign render only, no event-handler attribute, no script or img, every payload shown as text. */
async function expectInert(render: (detail: RequestDetail) => Promise<void>, texts: string[]) {
  await render(detailWith(SAFE));
  const expected = tagCounts(dom.container);
  await render(hostileDetail);
  expect(tagCounts(dom.container)).toEqual(expected);
  expect(document.querySelectorAll('script, img, iframe, object, embed').length).toBe(0);
  for (const element of dom.container.querySelectorAll('*')) {
    for (const attribute of element.getAttributeNames()) expect(attribute, element.outerHTML.slice(0, 80)).not.toMatch(/^on/i);
  }
  const text = dom.container.textContent ?? '';
  for (const payload of texts) expect(text).toContain(payload);
}

describe('hostile strings are shown as text', () => {
  it('SQL panel: SQL, params and the query error', async () => {
    await expectInert((d) => dom.render(<Announcer><SqlPanel detail={d} mountPath="/__toolbar" /></Announcer>), [PAYLOADS[0], PAYLOADS[1]]);
  });

  it('Timeline panel: span names and details', async () => {
    await expectInert((d) => dom.render(<TimelinePanel detail={d} mountPath="/__toolbar" />), PAYLOADS.slice(0, 4));
  });

  it('Templates panel: template names, files and locals', async () => {
    await expectInert((d) => dom.render(<TemplatesPanel detail={d} mountPath="/__toolbar" />), PAYLOADS);
  });

  it('Request panel: URL and headers', async () => {
    await expectInert((d) => dom.render(<RequestPanel detail={d} mountPath="/__toolbar" />), PAYLOADS);
    const cells = [...dom.container.querySelectorAll('table[aria-label="Request headers"] td')].map((td) => td.textContent);
    expect(cells[0]).toBe(HOSTILE);
  });

  it('History (inside the App): URLs and error messages in the list, and the selected request', async () => {
    localStorage.setItem('express-debug-toolbar:tab', JSON.stringify('history'));
    await expectInert(async (d) => {
      const bad = summary('bad-1', { url: d.url, error: d.error, status: 500 });
      vi.restoreAllMocks();
      stubApi([[bad]], { 'bad-1': detailOf(bad, d) });
      await dom.render(<App key={d.url} requestId="bad-1" mountPath="/dbg" panels={PANELS} onClose={() => {}} />);
      await vi.waitFor(() => expect(dom.container.querySelector('tr[data-request-id="bad-1"] td')?.textContent).toBeTruthy());
      await vi.waitFor(() => expect(dom.container.textContent).toContain(d.url));
    }, [`/search?q=${HOSTILE}`]);
    localStorage.clear();
  });
});
