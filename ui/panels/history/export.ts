/** Turning a recorded request into something to keep: a JSON file, or a regression test. */
import type { RequestDetail } from '../../../server/types.js';

/**
 * A file name that says what the request was.
 *
 * @example
 * exportFileName({ method: 'GET', url: '/api/posts?x=1', id: 'abc-1f' }) // → 'GET-api-posts-abc-1f.json'
 */
export function exportFileName(detail: Pick<RequestDetail, 'method' | 'url' | 'id'>): string {
  const path = detail.url.split('?')[0].replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${detail.method}-${path || 'root'}-${detail.id}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Saves `detail` as pretty JSON through a temporary `<a download>` (works inside a shadow root). */
export function downloadJson(detail: RequestDetail, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(detail, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = exportFileName(detail);
  link.style.display = 'none';
  doc.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked after the click has been handled, or some browsers cancel the download.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

const SUPERTEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/**
 * A vitest (or jest) + supertest test that pins the route's status, its query count (no more
 * than now) and the absence of N+1. It reads `X-Debug-Toolbar-Id` from the response, then the
 * toolbar's own API, so the app under test must mount the toolbar (the default `allow` lets
 * supertest's loopback requests in).
 *
 * @example
 * copyText(testSnippet(detail, '/__toolbar'));
 */
export function testSnippet(detail: Pick<RequestDetail, 'method' | 'url' | 'status' | 'queryCount'>, mountPath: string): string {
  const method = detail.method.toLowerCase();
  const call = SUPERTEST_METHODS.has(method) ? `.${method}(${JSON.stringify(detail.url)})` : `(${JSON.stringify(detail.method)}, ${JSON.stringify(detail.url)})`;
  const route = `${detail.method} ${detail.url.split('?')[0]}`;
  const hasBody = ['post', 'put', 'patch'].includes(method);
  const max = detail.queryCount;
  return `import request from 'supertest';
import { describe, expect, it } from 'vitest'; // jest: delete this line (globals)
import { app } from './app'; // your Express app, with debugToolbar() mounted

const TOOLBAR = ${JSON.stringify(mountPath)};

/** The toolbar stores a request as its response ends: ask again briefly if it is not there yet. */
async function toolbarDetail(id: string) {
  for (let attempt = 0; ; attempt++) {
    const res = await request(app).get(\`\${TOOLBAR}/api/requests/\${encodeURIComponent(id)}\`);
    if (res.status === 200) return res.body as { queryCount: number; nPlusOne: unknown[] };
    if (attempt >= 20) throw new Error(\`debug toolbar: request \${id} not found (HTTP \${res.status})\`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe(${JSON.stringify(route)}, () => {
  it(${JSON.stringify(`answers ${detail.status} with at most ${max} ${max === 1 ? 'query' : 'queries'} and no N+1`)}, async () => {
    const res = await request(app)${call}${hasBody ? '\n      .send({ /* the body this route expects */ })' : ''};
    expect(res.status).toBe(${detail.status});

    const id = res.headers['x-debug-toolbar-id'];
    expect(id, 'X-Debug-Toolbar-Id header: is the toolbar mounted?').toBeTruthy();
    const detail = await toolbarDetail(String(id));
    expect(detail.queryCount).toBeLessThanOrEqual(${max});
    expect(detail.nPlusOne).toHaveLength(0);
  });
});
`;
}
