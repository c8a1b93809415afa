import express from 'express';
import { vi } from 'vitest';
import type { RunStatement } from '../../server/panels/sql/explain/targets.js';
import { explainTarget, type ExplainTarget } from '../../server/panels/sql/explain/targets.js';
import { fetchRecorded, listen } from './http.js';

/** Posts to the explain endpoint the way the toolbar's UI does: same origin, JSON, the custom header. */
export async function postExplain(base: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {},
  mountPath = '/__toolbar') {
  const response = await fetch(`${base}${mountPath}/api/sql/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-debug-toolbar': '1', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Posts to the what-if endpoint as the UI does. */
export async function postWhatIf(base: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}) {
  const response = await fetch(`${base}/__toolbar/api/sql/what-if`, {
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
  const target = explainTarget(detail.panels.sql!.queries[0].db.explainKey);
  if (!target) throw new Error(`no EXPLAIN target for ${detail.panels.sql!.queries[0].db.driver}`);
  return target;
}

/**
 * Makes a what-if fail where `after` says, right after its CREATE INDEX: the what-if opens its
 * connections under the one limiter slot it holds (limiter.ts `hold`), so that is where they are wrapped.
 */
export function breakAfterCreateIndex(target: ExplainTarget, after: (run: RunStatement) => Promise<unknown>) {
  const limited = target as Required<ExplainTarget>;
  const original = limited.hold.bind(limited);
  const breaking = (own: ExplainTarget): ExplainTarget => ({
    dialect: own.dialect,
    withConnection: (work) => own.withConnection((run, format) => work(async (sql, params) => {
      const rows = await run(sql, params);
      if (sql.startsWith('CREATE INDEX')) await after(run);
      return rows;
    }, format)),
  });
  return vi.spyOn(limited, 'hold').mockImplementation((work) => original((own) => work(breaking(own))));
}
