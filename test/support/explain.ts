import express from 'express';
import { explainTarget, type ExplainTarget } from '../../server/panels/sql/explain/targets.js';
import { fetchRecorded, listen } from './http.js';

/** Posts to the explain endpoint the way the toolbar's UI does: same origin, JSON, the custom header. */
export async function postExplain(base: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {},
  mountPath = '/__toolbar') {
  const response = await fetch(`${base}${mountPath}/api/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Posts to the what-if endpoint as the UI does. */
export async function postWhatIf(base: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}) {
  const response = await fetch(`${base}/__toolbar/api/explain/what-if`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', ...init.headers }, body: init.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/**
 * The EXPLAIN target the toolbar registered for an app's connection, found as the endpoint finds
 * it: through the query the app's `/q` route recorded.
 *
 * @example
 * const target = await recordedExplainTarget((app) => { app.use(debugToolbar({ instrument: { pg } })); app.get('/q', …); }, cleanups);
 */
export async function recordedExplainTarget(setup: (app: express.Express) => void, cleanups: (() => unknown)[]): Promise<ExplainTarget> {
  const app = express();
  setup(app);
  const server = await listen(app);
  cleanups.push(() => server.close());
  const { detail } = await fetchRecorded(server.url, '/q');
  const target = explainTarget(detail.queries[0].db.explainKey);
  if (!target) throw new Error(`no EXPLAIN target for ${detail.queries[0].db.driver}`);
  return target;
}
